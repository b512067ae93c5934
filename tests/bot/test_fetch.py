"""The safe fetcher against a real HTTP server on 127.0.0.1, and the address rules alone.

The server is reached with allow_private=True, or with allow_private=False and exactly
127.0.0.1/32 allowed by name, so that a refusal further on (a redirect, a rebinding) is due
to the rule under test and not to the loopback server itself. Names are answered by a
scripted resolver: nothing leaves the machine.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from aiohttp.test_utils import TestServer

from bot.fetch import AddressClass, AddressGuard, SafeFetcher, classify_address
from news.feeds.fetching import (
    AddressRefused,
    FetchTimeout,
    HttpStatusError,
    ResponseTooLarge,
    TooManyRedirects,
    Unreachable,
    UnsupportedScheme,
)
from news.feeds.parse import parse_feed
from testkit.feed_server import (
    FEED_ETAG,
    FEED_LAST_MODIFIED,
    FEED_XML,
    FeedServerState,
    ScriptedResolver,
    running_feed_server,
)

LOOPBACK_ONLY = (ipaddress.ip_network("127.0.0.1/32"),)
PUBLIC_ADDRESS = "93.184.216.34"
NOW = datetime(2026, 4, 2, tzinfo=UTC)

Server = tuple[TestServer, FeedServerState]


@pytest.fixture
async def feed_server() -> AsyncIterator[Server]:
    async with running_feed_server() as running:
        yield running


def url_of(server: Server, path: str) -> str:
    return str(server[0].make_url(path))


def loopback_fetcher(resolver: ScriptedResolver | None = None) -> SafeFetcher:
    """Private addresses refused, except the test server's own 127.0.0.1."""
    return SafeFetcher(
        allow_private=False,
        allowed_networks=LOOPBACK_ONLY,
        resolver=resolver or ScriptedResolver({}),
    )


# --- the address rules ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("0.0.0.0", AddressClass.UNSPECIFIED),
        ("::", AddressClass.UNSPECIFIED),
        ("127.0.0.1", AddressClass.LOOPBACK),
        ("127.8.9.10", AddressClass.LOOPBACK),
        ("::1", AddressClass.LOOPBACK),
        ("10.0.0.1", AddressClass.PRIVATE),
        ("172.16.5.4", AddressClass.PRIVATE),
        ("192.168.1.1", AddressClass.PRIVATE),
        ("100.64.0.1", AddressClass.PRIVATE),
        ("fc00::1", AddressClass.PRIVATE),
        ("fd12:3456::1", AddressClass.PRIVATE),
        ("fec0::1", AddressClass.PRIVATE),
        ("169.254.1.1", AddressClass.LINK_LOCAL),
        ("fe80::1", AddressClass.LINK_LOCAL),
        ("fe80::1%eth0", AddressClass.LINK_LOCAL),
        ("224.0.0.1", AddressClass.MULTICAST),
        ("239.255.255.250", AddressClass.MULTICAST),
        ("ff02::1", AddressClass.MULTICAST),
        ("240.0.0.1", AddressClass.RESERVED),
        ("255.255.255.255", AddressClass.RESERVED),
        ("0.1.2.3", AddressClass.RESERVED),
        ("192.0.2.10", AddressClass.RESERVED),
        ("198.18.0.1", AddressClass.RESERVED),
        ("2001:db8::1", AddressClass.RESERVED),
        ("169.254.169.254", AddressClass.METADATA),
        ("169.254.170.2", AddressClass.METADATA),
        ("fd00:ec2::254", AddressClass.METADATA),
        ("100.100.100.200", AddressClass.METADATA),
        ("168.63.129.16", AddressClass.METADATA),
        ("not-an-address", AddressClass.RESERVED),
    ],
)
def test_non_public_addresses_are_classified(address: str, kind: AddressClass) -> None:
    assert classify_address(address) is kind


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("::ffff:127.0.0.1", AddressClass.LOOPBACK),  # IPv4-mapped
        ("::ffff:10.0.0.1", AddressClass.PRIVATE),
        ("::ffff:169.254.169.254", AddressClass.METADATA),
        ("::127.0.0.1", AddressClass.LOOPBACK),  # IPv4-compatible
        ("2002:7f00:1::", AddressClass.LOOPBACK),  # 6to4 of 127.0.0.1
        ("2002:c0a8:101::1", AddressClass.PRIVATE),  # 6to4 of 192.168.1.1
        ("64:ff9b::a00:1", AddressClass.PRIVATE),  # NAT64 of 10.0.0.1
        ("64:ff9b::a9fe:a9fe", AddressClass.METADATA),  # NAT64 of 169.254.169.254
    ],
)
def test_ipv6_forms_are_judged_by_the_ipv4_address_inside(address: str, kind: AddressClass) -> None:
    assert classify_address(address) is kind


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"]
)
def test_public_addresses_pass(address: str) -> None:
    assert classify_address(address) is None


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.1", "fd12::1", "169.254.1.1"])
def test_allow_private_lets_local_networks_through(address: str) -> None:
    assert AddressGuard(allow_private=True).refusal(address) is None


@pytest.mark.parametrize("address", ["169.254.169.254", "fd00:ec2::254", "0.0.0.0", "224.0.0.1"])
def test_allow_private_still_refuses_metadata_unspecified_and_multicast(address: str) -> None:
    assert AddressGuard(allow_private=True).refusal(address) is not None


def test_allowed_networks_open_exactly_those_addresses() -> None:
    guard = AddressGuard(allow_private=False, allowed_networks=LOOPBACK_ONLY)
    assert guard.refusal("127.0.0.1") is None
    assert guard.refusal("127.0.0.2") is AddressClass.LOOPBACK
    assert guard.refusal("192.168.0.1") is AddressClass.PRIVATE


def test_one_refused_address_refuses_the_whole_name() -> None:
    guard = AddressGuard(allow_private=False)
    with pytest.raises(AddressRefused):
        guard.check("mixed.test", [PUBLIC_ADDRESS, "10.0.0.7"])


# --- fetching ------------------------------------------------------------------------------


async def test_allowed_private_fetch_returns_body_validators_and_user_agent(
    feed_server: Server,
) -> None:
    async with SafeFetcher(allow_private=True) as fetcher:
        result = await fetcher.fetch(url_of(feed_server, "/feed.xml"))
    assert result.status == 200
    assert result.body == FEED_XML
    assert result.content_type == "application/rss+xml"
    assert (result.etag, result.last_modified) == (FEED_ETAG, FEED_LAST_MODIFIED)
    assert feed_server[1].user_agents[0].startswith("roundup-bot/")


async def test_same_loopback_url_is_refused_without_allow_private(feed_server: Server) -> None:
    async with SafeFetcher(allow_private=False) as fetcher:
        with pytest.raises(AddressRefused):
            await fetcher.fetch(url_of(feed_server, "/feed.xml"))
    assert feed_server[1].hits["/feed.xml"] == 0


async def test_ipv4_mapped_loopback_literal_is_refused(feed_server: Server) -> None:
    port = feed_server[0].port
    async with SafeFetcher(allow_private=False) as fetcher:
        with pytest.raises(AddressRefused):
            await fetcher.fetch(f"http://[::ffff:127.0.0.1]:{port}/feed.xml")


async def test_matching_etag_is_answered_not_modified(feed_server: Server) -> None:
    async with SafeFetcher(allow_private=True) as fetcher:
        result = await fetcher.fetch(url_of(feed_server, "/feed.xml"), etag=FEED_ETAG)
    assert result.not_modified
    assert result.status == 304
    assert result.body == b""
    assert result.etag == FEED_ETAG


async def test_gzip_answer_arrives_decompressed(feed_server: Server) -> None:
    async with SafeFetcher(allow_private=True) as fetcher:
        result = await fetcher.fetch(url_of(feed_server, "/gzip.xml"))
    assert result.body == FEED_XML * 20
    assert "gzip" in feed_server[1].accept_encoding[0]


async def test_redirects_are_followed_to_the_final_url(feed_server: Server) -> None:
    async with SafeFetcher(allow_private=True) as fetcher:
        result = await fetcher.fetch(url_of(feed_server, "/redirect/4"))
    assert result.url == url_of(feed_server, "/feed.xml")
    assert result.body == FEED_XML


async def test_more_than_five_redirects_are_refused(feed_server: Server) -> None:
    async with SafeFetcher(allow_private=True) as fetcher:
        with pytest.raises(TooManyRedirects):
            await fetcher.fetch(url_of(feed_server, "/loop"))
    assert feed_server[1].hits["/loop"] == 6


async def test_redirect_to_a_private_literal_is_refused_after_an_allowed_first_hop(
    feed_server: Server,
) -> None:
    async with loopback_fetcher() as fetcher:
        assert (await fetcher.fetch(url_of(feed_server, "/feed.xml"))).status == 200
        with pytest.raises(AddressRefused):
            await fetcher.fetch(url_of(feed_server, "/away"))
    assert feed_server[1].hits["/away"] == 1


async def test_redirect_to_a_name_resolving_private_is_refused(feed_server: Server) -> None:
    feed_server[1].redirect_target = "http://intranet.test/feed.xml"
    resolver = ScriptedResolver({"intranet.test": [["192.168.0.10"]]})
    async with loopback_fetcher(resolver) as fetcher:
        with pytest.raises(AddressRefused):
            await fetcher.fetch(url_of(feed_server, "/away"))
    assert resolver.lookups["intranet.test"] == 1


async def test_redirect_to_metadata_is_refused_even_with_allow_private(
    feed_server: Server,
) -> None:
    feed_server[1].redirect_target = "http://169.254.169.254/latest/meta-data/"
    async with SafeFetcher(allow_private=True) as fetcher:
        with pytest.raises(AddressRefused):
            await fetcher.fetch(url_of(feed_server, "/away"))


async def test_connector_connects_through_the_scripted_resolver(feed_server: Server) -> None:
    port = feed_server[0].port
    resolver = ScriptedResolver({"feeds.test": [["127.0.0.1"]]})
    async with loopback_fetcher(resolver) as fetcher:
        result = await fetcher.fetch(f"http://feeds.test:{port}/feed.xml")
    assert result.body == FEED_XML
    assert resolver.lookups["feeds.test"] == 2  # checked before the request, and to connect


async def test_dns_rebinding_to_loopback_is_refused_at_connect_time(feed_server: Server) -> None:
    port = feed_server[0].port
    resolver = ScriptedResolver({"rebind.test": [[PUBLIC_ADDRESS], ["127.0.0.1"]]})
    async with SafeFetcher(allow_private=False, resolver=resolver) as fetcher:
        with pytest.raises(AddressRefused):
            await fetcher.fetch(f"http://rebind.test:{port}/feed.xml")
    assert resolver.lookups["rebind.test"] == 2
    assert sum(feed_server[1].hits.values()) == 0


async def test_unknown_name_is_unreachable() -> None:
    async with loopback_fetcher() as fetcher:
        with pytest.raises(Unreachable):
            await fetcher.fetch("http://nowhere.test/feed.xml")


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/feed.xml", "gopher://x/", "http:///nohost"]
)
async def test_only_http_and_https_are_fetched(url: str) -> None:
    async with SafeFetcher(allow_private=True) as fetcher:
        with pytest.raises(UnsupportedScheme):
            await fetcher.fetch(url)


async def test_slow_answer_times_out(feed_server: Server) -> None:
    async with SafeFetcher(allow_private=True, timeout=0.2) as fetcher:
        with pytest.raises(FetchTimeout):
            await fetcher.fetch(url_of(feed_server, "/slow"))


async def test_declared_oversized_answer_is_refused(feed_server: Server) -> None:
    async with SafeFetcher(allow_private=True, max_bytes=100_000) as fetcher:
        with pytest.raises(ResponseTooLarge):
            await fetcher.fetch(url_of(feed_server, "/big-declared"))


async def test_streamed_oversized_answer_is_aborted(feed_server: Server) -> None:
    async with SafeFetcher(allow_private=True, max_bytes=100_000) as fetcher:
        with pytest.raises(ResponseTooLarge):
            await fetcher.fetch(url_of(feed_server, "/big-streamed"))


async def test_error_status_is_reported_with_its_code(feed_server: Server) -> None:
    async with SafeFetcher(allow_private=True) as fetcher:
        with pytest.raises(HttpStatusError) as raised:
            await fetcher.fetch(url_of(feed_server, "/missing"))
    assert raised.value.status == 404


async def test_at_most_two_connections_per_host(feed_server: Server) -> None:
    state = feed_server[1]
    slow = url_of(feed_server, "/slow")
    async with SafeFetcher(allow_private=True, timeout=5) as fetcher:
        requests = [asyncio.create_task(fetcher.fetch(slow)) for _ in range(4)]
        for _ in range(200):  # until the first two are being served
            if state.hits["/slow"] >= 2:
                break
            await asyncio.sleep(0.005)
        await asyncio.sleep(0.05)  # time enough for a third connection, were one allowed
        assert state.hits["/slow"] == 2
        state.never.set()
        await asyncio.gather(*requests)
    assert state.hits["/slow"] == 4


# --- fetched and parsed ------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/euc-kr.xml", "/mislabelled.xml"])
async def test_legacy_korean_encodings_arrive_readable(feed_server: Server, path: str) -> None:
    async with SafeFetcher(allow_private=True) as fetcher:
        result = await fetcher.fetch(url_of(feed_server, path))
    feed = parse_feed(result.body, url=result.url, content_type=result.content_type, now=NOW)
    assert feed.title == "지역 테스트 피드"
    assert feed.items[0].title == "반도체 수출이 다시 늘었다"


async def test_malformed_feed_still_yields_its_items(feed_server: Server) -> None:
    async with SafeFetcher(allow_private=True) as fetcher:
        result = await fetcher.fetch(url_of(feed_server, "/malformed.xml"))
    feed = parse_feed(result.body, url=result.url, now=NOW)
    assert [item.guid for item in feed.items] == ["local-1"]
    assert feed.problems
