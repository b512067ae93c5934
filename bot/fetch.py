"""The one way the bot fetches a URL someone gave it: politely, boundedly, and never inward.

A URL typed into a slash command must not reach the network the bot runs in (server-side
request forgery). Every host is resolved and refused when any of its addresses is loopback,
private, link-local, multicast, reserved, unspecified or a cloud metadata endpoint, in IPv4
and in IPv6 (IPv4-mapped, -compatible, 6to4 and NAT64 forms are judged by the IPv4 address
inside them). The check runs twice: before each request (and each redirect, which is
followed by hand, at most five), and again inside the connector's resolver, on the very
addresses the socket then connects to, so a name that answers differently the second time
(DNS rebinding) is still refused. aiohttp connects to IP literals without asking the
resolver, so literals are checked before the request; they cannot change in between.

``allow_private`` (the ``ALLOW_PRIVATE_URLS`` setting) lets a self-hoster reach feeds on their
own network; metadata endpoints, unspecified and multicast addresses stay refused even then.
``allowed_networks`` names exact exceptions instead (a test server on 127.0.0.1, or one LAN
host), leaving every other private address refused.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import re
import socket
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum
from importlib import metadata
from types import TracebackType
from typing import Self
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from news.feeds.fetching import (
    AddressRefused,
    BadResponse,
    FetchResult,
    FetchTimeout,
    HttpStatusError,
    ResponseTooLarge,
    TooManyRedirects,
    Unreachable,
    UnsupportedScheme,
)

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 15.0  # seconds for the whole fetch, redirects included
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_REDIRECTS = 5
CONNECTIONS_PER_HOST = 2
_CHUNK = 64 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5"
)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class AddressClass(StrEnum):
    """Why an address is not a public web server's."""

    UNSPECIFIED = "unspecified"
    LOOPBACK = "loopback"
    PRIVATE = "private"
    LINK_LOCAL = "link-local"
    MULTICAST = "multicast"
    RESERVED = "reserved"
    METADATA = "cloud metadata"


# Refused whatever the settings: nothing a feed reader should ever talk to.
_ALWAYS_REFUSED = frozenset(
    {AddressClass.METADATA, AddressClass.UNSPECIFIED, AddressClass.MULTICAST}
)
# Instance metadata and host agents of AWS, GCP, Azure, Oracle, Alibaba and ECS. Most sit in
# link-local space, but Azure's wire server and Alibaba's are ordinary-looking addresses.
_METADATA = frozenset(
    ipaddress.ip_address(address)
    for address in (
        "169.254.169.254",
        "169.254.169.253",
        "169.254.170.2",
        "168.63.129.16",
        "100.100.100.200",
        "192.0.0.192",
        "fd00:ec2::254",
        "fd00:ec2::253",
    )
)
_PRIVATE_V4 = tuple(
    ipaddress.IPv4Network(network)
    for network in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")
)
_UNIQUE_LOCAL_V6 = ipaddress.IPv6Network("fc00::/7")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


def classify_address(address: str | IPAddress) -> AddressClass | None:
    """What kind of non-public address `address` is; None for a public one.

    Text that is not an address at all counts as reserved: refused, not trusted.
    """
    try:
        parsed = ipaddress.ip_address(address) if isinstance(address, str) else address
    except ValueError:
        return AddressClass.RESERVED
    if parsed in _METADATA:
        return AddressClass.METADATA
    if isinstance(parsed, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(parsed)
        if embedded is not None:
            return classify_address(embedded)
    return _classify(parsed)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, NAT64, compatible), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64 or (address in _IPV4_COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _is_private(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv4Address):
        return any(address in network for network in _PRIVATE_V4)
    return address in _UNIQUE_LOCAL_V6 or address.is_site_local


# In order: the first that fits names the class. The last catches what remains of the
# special-purpose registries: 0/8, 240/4, broadcast, documentation, benchmarking, Teredo …
_CLASS_TESTS: tuple[tuple[Callable[[IPAddress], bool], AddressClass], ...] = (
    (lambda address: address.is_unspecified, AddressClass.UNSPECIFIED),
    (lambda address: address.is_loopback, AddressClass.LOOPBACK),
    (lambda address: address.is_link_local, AddressClass.LINK_LOCAL),
    (lambda address: address.is_multicast, AddressClass.MULTICAST),
    (_is_private, AddressClass.PRIVATE),
    (lambda address: address.is_reserved or not address.is_global, AddressClass.RESERVED),
)


def _classify(address: IPAddress) -> AddressClass | None:
    return next((kind for test, kind in _CLASS_TESTS if test(address)), None)


class AddressGuard:
    """Decides which resolved addresses may be connected to."""

    def __init__(self, *, allow_private: bool, allowed_networks: Iterable[IPNetwork] = ()) -> None:
        self.allow_private = allow_private
        self.allowed_networks = tuple(allowed_networks)

    def refusal(self, address: str) -> AddressClass | None:
        """Why `address` is refused, or None when it may be used."""
        kind = classify_address(address)
        if kind is None or kind in _ALWAYS_REFUSED:
            return kind
        if self.allow_private or self._explicitly_allowed(address):
            return None
        return kind

    def check(self, host: str, addresses: Sequence[str]) -> None:
        """Raise AddressRefused when any address of `host` is refused (or there is none)."""
        if not addresses:
            raise Unreachable(host)
        for address in addresses:
            kind = self.refusal(address)
            if kind is not None:
                log.warning("refused %s: it resolves to %s (%s)", host, address, kind)
                raise AddressRefused(host)

    def _explicitly_allowed(self, address: str) -> bool:
        try:
            parsed = ipaddress.ip_address(address.split("%", maxsplit=1)[0])
        except ValueError:
            return False
        return any(parsed in network for network in self.allowed_networks)


class GuardedResolver(AbstractResolver):
    """A resolver that refuses names with a forbidden address. The connector uses it too, so
    the addresses checked are the addresses connected to."""

    def __init__(self, inner: AbstractResolver, guard: AddressGuard) -> None:
        self._inner = inner
        self._guard = guard

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        self._guard.check(host, [result["host"] for result in results])
        return results

    async def close(self) -> None:
        await self._inner.close()


def default_user_agent() -> str:
    try:
        version = metadata.version("roundup-bot")
    except metadata.PackageNotFoundError:
        version = "dev"
    return f"roundup-bot/{version} (Discord tech-news bot; feed reader)"


class SafeFetcher:
    """Fetches http(s) URLs for the bot (implements news.feeds.ports.Fetcher).

    Use it as ``async with SafeFetcher(allow_private=settings.allow_private_urls) as f:``;
    one instance serves the whole process (it holds the connection pool).
    """

    def __init__(
        self,
        *,
        allow_private: bool,
        allowed_networks: Iterable[IPNetwork] = (),
        resolver: AbstractResolver | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_redirects: int = DEFAULT_MAX_REDIRECTS,
        user_agent: str | None = None,
    ) -> None:
        self._guard = AddressGuard(allow_private=allow_private, allowed_networks=allowed_networks)
        self._inner_resolver = resolver
        self._timeout = timeout
        self._max_bytes = max_bytes
        self._max_redirects = max_redirects
        self._user_agent = user_agent or default_user_agent()
        self._resolver: GuardedResolver | None = None
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Self:
        # The threaded resolver (getaddrinfo) needs the running loop, so it is made here.
        inner = self._inner_resolver or aiohttp.ThreadedResolver()
        self._resolver = GuardedResolver(inner, self._guard)
        connector = aiohttp.TCPConnector(
            resolver=self._resolver, limit_per_host=CONNECTIONS_PER_HOST, family=socket.AF_UNSPEC
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(total=self._timeout),
            trust_env=False,  # a proxy from the environment would resolve names unchecked
            cookie_jar=aiohttp.DummyCookieJar(),
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._resolver is not None:
            await self._resolver.close()
            self._resolver = None

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET `url`, following redirects by hand; a 304 when `etag`/`last_modified` still hold.

        Raises a news.feeds.parse.FetchError subclass with a user-safe message on any failure.
        """
        host = _host_of(url)
        try:
            async with asyncio.timeout(self._timeout):
                return await self._follow(url, _validators(etag, last_modified))
        except TimeoutError as error:
            raise FetchTimeout(self._timeout) from error
        except aiohttp.ClientConnectionError as error:
            log.info("could not connect to %s: %s", host, error)
            raise Unreachable(host) from error
        except aiohttp.ClientError as error:
            log.info("unreadable answer from %s: %s", host, error)
            raise BadResponse from error

    async def _follow(self, url: str, validators: dict[str, str]) -> FetchResult:
        session, resolver = self._open()
        headers = {"User-Agent": self._user_agent, "Accept": _ACCEPT, **validators}
        current = url
        for _ in range(self._max_redirects + 1):
            await _check_target(current, resolver, self._guard)
            async with session.get(current, headers=headers, allow_redirects=False) as response:
                location = response.headers.get("Location")
                if response.status in _REDIRECTS and location:
                    current = urljoin(current, location)
                    continue
                return await self._result(current, response, validators)
        raise TooManyRedirects(self._max_redirects)

    def _open(self) -> tuple[aiohttp.ClientSession, GuardedResolver]:
        if self._session is None or self._resolver is None:
            raise RuntimeError("SafeFetcher is used outside its `async with` block")
        return self._session, self._resolver

    async def _result(
        self, url: str, response: aiohttp.ClientResponse, validators: dict[str, str]
    ) -> FetchResult:
        etag = response.headers.get("ETag") or validators.get("If-None-Match")
        last_modified = response.headers.get("Last-Modified") or validators.get("If-Modified-Since")
        max_age = cache_max_age(response.headers.get("Cache-Control"))
        if response.status == 304:
            return FetchResult(
                304, url, b"", None, etag, last_modified, not_modified=True, max_age=max_age
            )
        if not 200 <= response.status < 300:
            raise HttpStatusError(
                response.status, retry_after_seconds(response.headers.get("Retry-After"))
            )
        body = await self._bounded_body(response)
        content_type = response.headers.get("Content-Type")
        return FetchResult(
            response.status, url, body, content_type, etag, last_modified, max_age=max_age
        )

    async def _bounded_body(self, response: aiohttp.ClientResponse) -> bytes:
        """The (decompressed) body, abandoned as soon as it passes the size cap."""
        if (response.content_length or 0) > self._max_bytes:
            raise ResponseTooLarge(self._max_bytes)
        body = bytearray()
        async for chunk in response.content.iter_chunked(_CHUNK):
            body += chunk
            if len(body) > self._max_bytes:
                raise ResponseTooLarge(self._max_bytes)
        return bytes(body)


async def _check_target(url: str, resolver: GuardedResolver, guard: AddressGuard) -> None:
    """Refuse a URL that is not http(s) or whose host has a forbidden address."""
    try:
        parts = urlsplit(url)
        port = parts.port or 0
    except ValueError as error:  # a malformed host or port
        raise Unreachable(_host_of(url)) from error
    host = parts.hostname
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise UnsupportedScheme
    if _is_ip_literal(host):
        guard.check(host, [host])
        return
    try:
        await resolver.resolve(host, port, socket.AF_UNSPEC)
    except OSError as error:
        raise Unreachable(host) from error


def _host_of(url: str) -> str:
    try:
        return urlsplit(url).hostname or url[:100]
    except ValueError:
        return url[:100]


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", maxsplit=1)[0])
    except ValueError:
        return False
    return True


_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*\"?(\d{1,10})", re.IGNORECASE)


def cache_max_age(header: str | None) -> int | None:
    """The max-age of a Cache-Control header in seconds, or None when it has none."""
    match = _MAX_AGE.search(header or "")
    return int(match[1]) if match else None


def retry_after_seconds(header: str | None, now: datetime | None = None) -> int | None:
    """The wait a Retry-After header asks for, in seconds (a number or an HTTP date)."""
    value = (header or "").strip()
    if not value:
        return None
    if value.isdigit():
        return int(value[:10])
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return max(int(seconds), 0)


def _validators(etag: str | None, last_modified: str | None) -> dict[str, str]:
    validators: dict[str, str] = {}
    if etag:
        validators["If-None-Match"] = etag
    if last_modified:
        validators["If-Modified-Since"] = last_modified
    return validators
