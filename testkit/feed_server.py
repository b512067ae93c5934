"""A real HTTP feed server on 127.0.0.1 for the fetcher's tests, and a scripted resolver.

Every route is one behaviour the fetcher must cope with; `hits` counts the requests each
path received, so a test can prove that a refused request never left the bot.
"""

from __future__ import annotations

import asyncio
import socket
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.test_utils import TestServer
from aiohttp.typedefs import Handler

FEED_ETAG = '"feed-v1"'
FEED_LAST_MODIFIED = "Wed, 01 Apr 2026 08:00:00 GMT"

FEED_XML = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Local Test Feed</title><link>http://127.0.0.1/</link>
<item><title>First local story</title><link>http://127.0.0.1/stories/1</link>
<guid>local-1</guid><pubDate>Wed, 01 Apr 2026 08:00:00 GMT</pubDate></item>
</channel></rss>
"""
KOREAN_FEED = """<rss version="2.0"><channel><title>지역 테스트 피드</title>
<item><title>반도체 수출이 다시 늘었다</title><link>http://127.0.0.1/ko/1</link></item>
</channel></rss>
"""


@dataclass
class FeedServerState:
    hits: Counter[str] = field(default_factory=Counter)
    accept_encoding: list[str] = field(default_factory=list)
    user_agents: list[str] = field(default_factory=list)
    never: asyncio.Event = field(default_factory=asyncio.Event)  # set by nobody
    redirect_target: str = "http://10.1.2.3/feed.xml"


async def _feed(request: web.Request) -> web.Response:
    if request.headers.get("If-None-Match") == FEED_ETAG:
        return web.Response(status=304, headers={"ETag": FEED_ETAG})
    return web.Response(
        body=FEED_XML,
        content_type="application/rss+xml",
        headers={"ETag": FEED_ETAG, "Last-Modified": FEED_LAST_MODIFIED},
    )


async def _gzip_feed(request: web.Request) -> web.Response:
    response = web.Response(body=FEED_XML * 20, content_type="application/rss+xml")
    response.enable_compression(web.ContentCoding.gzip)
    return response


async def _redirect_chain(request: web.Request) -> web.Response:
    remaining = int(request.match_info["count"])
    target = "/feed.xml" if remaining == 0 else f"/redirect/{remaining - 1}"
    raise web.HTTPFound(target)


async def _euc_kr_without_declaration(request: web.Request) -> web.Response:
    return web.Response(
        body=KOREAN_FEED.encode("euc-kr"), headers={"Content-Type": "text/xml; charset=EUC-KR"}
    )


async def _mislabelled_cp949(request: web.Request) -> web.Response:
    # The header claims UTF-8, the bytes are CP949: what old Korean servers really send.
    return web.Response(
        body=KOREAN_FEED.encode("cp949"), headers={"Content-Type": "text/xml; charset=utf-8"}
    )


async def _malformed(request: web.Request) -> web.Response:
    body = FEED_XML.replace(b"</title><link>", b" & more</title><link>", 1)
    return web.Response(body=body, content_type="application/rss+xml")


def build_app(state: FeedServerState) -> web.Application:
    @web.middleware
    async def count(request: web.Request, handler: Handler) -> web.StreamResponse:
        state.hits[request.path] += 1
        state.accept_encoding.append(request.headers.get("Accept-Encoding", ""))
        state.user_agents.append(request.headers.get("User-Agent", ""))
        return await handler(request)

    async def slow(request: web.Request) -> web.Response:
        await state.never.wait()
        return web.Response(text="too late")

    async def redirect_away(request: web.Request) -> web.Response:
        raise web.HTTPFound(state.redirect_target)

    async def loop(request: web.Request) -> web.Response:
        raise web.HTTPFound("/loop")

    async def declared_big(request: web.Request) -> web.Response:
        return web.Response(body=b"x" * 200_000, content_type="application/xml")

    async def streamed_big(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/xml"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        for _ in range(50):
            await response.write(b"y" * 8192)
        await response.write_eof()
        return response

    async def missing(request: web.Request) -> web.Response:
        raise web.HTTPNotFound

    app = web.Application(middlewares=[count])
    app.router.add_get("/feed.xml", _feed)
    app.router.add_get("/gzip.xml", _gzip_feed)
    app.router.add_get("/redirect/{count}", _redirect_chain)
    app.router.add_get("/away", redirect_away)
    app.router.add_get("/loop", loop)
    app.router.add_get("/slow", slow)
    app.router.add_get("/big-declared", declared_big)
    app.router.add_get("/big-streamed", streamed_big)
    app.router.add_get("/euc-kr.xml", _euc_kr_without_declaration)
    app.router.add_get("/mislabelled.xml", _mislabelled_cp949)
    app.router.add_get("/malformed.xml", _malformed)
    app.router.add_get("/missing", missing)
    return app


@asynccontextmanager
async def running_feed_server() -> AsyncIterator[tuple[TestServer, FeedServerState]]:
    state = FeedServerState()
    server = TestServer(build_app(state), host="127.0.0.1")
    await server.start_server()
    try:
        yield server, state
    finally:
        state.never.set()  # let a handler still waiting finish, so the server closes at once
        await server.close()


class ScriptedResolver(AbstractResolver):
    """Answers each name from a script: one list of addresses per lookup, the last repeated.

    It stands in for DNS, so tests can give a public-looking answer first and a private one
    at connect time (rebinding) without any network.
    """

    def __init__(self, answers: dict[str, Sequence[Sequence[str]]]) -> None:
        self.answers = answers
        self.lookups: Counter[str] = Counter()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        script = self.answers.get(host)
        if not script:
            raise OSError(f"no such host: {host}")
        addresses = script[min(self.lookups[host], len(script) - 1)]
        self.lookups[host] += 1
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address in addresses
        ]

    async def close(self) -> None:
        return None


@dataclass
class Page:
    """One scripted answer: a body with its headers, or an HTTP error status."""

    body: bytes = b""
    content_type: str = "application/rss+xml; charset=utf-8"
    etag: str | None = None
    cache_control: str | None = None
    status: int = 200


@dataclass
class ScriptedSite:
    """Pages a test changes between polls; `hits` counts requests per path."""

    pages: dict[str, Page] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    base: str = ""

    def url(self, path: str) -> str:
        return f"{self.base}{path}"


def rss(title: str, items: Sequence[tuple[str, str, str, str]], *, ttl: int | None = None) -> bytes:
    """An RSS 2.0 document; each item is (guid, title, link, RFC 822 date or "")."""
    entries = "".join(
        f"<item><guid>{guid}</guid><title>{headline}</title><link>{link}</link>"
        + (f"<pubDate>{date}</pubDate>" if date else "")
        + "</item>"
        for guid, headline, link, date in items
    )
    ttl_element = f"<ttl>{ttl}</ttl>" if ttl is not None else ""
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}'
        f"</title><link>http://127.0.0.1/</link>{ttl_element}{entries}</channel></rss>"
    ).encode()


def _scripted_app(site: ScriptedSite) -> web.Application:
    async def answer(request: web.Request) -> web.Response:
        site.hits[request.path] += 1
        page = site.pages.get(request.path)
        if page is None:
            raise web.HTTPNotFound
        if page.status != 200:
            return web.Response(status=page.status)
        headers = {"Content-Type": page.content_type}
        if page.etag:
            headers["ETag"] = page.etag
        if page.cache_control:
            headers["Cache-Control"] = page.cache_control
        if page.etag and request.headers.get("If-None-Match") == page.etag:
            return web.Response(status=304, headers=headers)
        return web.Response(body=page.body, headers=headers)

    app = web.Application()
    app.router.add_get("/{path:.*}", answer)
    return app


@asynccontextmanager
async def running_scripted_site() -> AsyncIterator[ScriptedSite]:
    site = ScriptedSite()
    server = TestServer(_scripted_app(site), host="127.0.0.1")
    await server.start_server()
    site.base = str(server.make_url("")).rstrip("/")
    try:
        yield site
    finally:
        await server.close()
