"""Hostile input through every slash command option, property-based, against ONE running bot.

For every example: no unexpected error is logged and the reply is not the generic apology,
a text-only reply (a refusal) is ephemeral, every message sent has mentions disabled, Discord
accepted everything, and the feed server on 127.0.0.1 was never reached (private URLs are
refused: ``ALLOW_PRIVATE_URLS`` is false). Strategies and the example count
(``HOSTILE_EXAMPLES``) are in ``testkit/hostile.py``.

The bot world starts once for the module; hypothesis drives sync tests, and each example runs
the module's event loop (pytest-asyncio runs the module's async fixtures in it, and it is idle
between tests) until the bot answered.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

import pytest
import pytest_asyncio
from hypothesis import given
from hypothesis import strategies as st

from cogs.common.i18n import text
from news.archive.importing import ImportRequest
from testkit.bot_harness import Server, discord_accepts_everything
from testkit.fake_discord import OptionValue, StoredMessage, Upload
from testkit.feed_server import FeedServerState, running_feed_server
from testkit.hostile import (
    PRIVATE_HOSTS,
    SCRIPT_URLS,
    cannot_name_a_host,
    hostile_dates,
    hostile_settings,
    hostile_text,
    hostile_urls,
    hostile_weeks,
    private_urls,
)
from tests.e2e.bot_harness import KOREAN_COLUMN, BotWorld, bot_world

LOCALES = st.sampled_from(["en-US", "ko"])
REPLY_WITHIN = 10.0  # seconds: a refused fetch or a large import is still quick


class ErrorLog(logging.Handler):
    """Every ERROR the bot logs: the tree logs each unexpected failure at this level."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class Arena:
    world: BotWorld
    loop: asyncio.AbstractEventLoop
    site: FeedServerState
    port: int
    errors: ErrorLog
    followed_feed: str

    def send(
        self,
        name: str,
        options: Mapping[str, OptionValue | None] | None = None,
        *,
        admin: bool = True,
        locale: str = "en-US",
    ) -> StoredMessage:
        """Deliver ``/name`` in alpha, check every property, return the reply."""
        given = {key: value for key, value in (options or {}).items() if value is not None}
        return self.loop.run_until_complete(self._send(name, given, admin, locale))

    def typing(self, name: str, focused: str, typed: str, locale: str) -> None:
        """Autocomplete while typing ``typed``: answered, within Discord's limits (the fake
        checks them), and without a logged error."""
        self.loop.run_until_complete(self._typing(name, focused, typed, locale))

    async def _send(
        self, name: str, options: Mapping[str, OptionValue], admin: bool, locale: str
    ) -> StoredMessage:
        fake, logged, before = self.world.fake, len(self.errors.records), set(self.messages())
        with discord_accepts_everything(fake):
            record = await self.world.run(self.alpha, name, options, admin=admin, locale=locale)
            reply = await record.wait_reply(within=REPLY_WITHIN)
        assert self.errors.records[logged:] == []
        assert reply.content != text(locale, "generic_error")
        assert reply.content or reply.embeds or reply.attachments
        if not reply.embeds and not reply.attachments:
            assert reply.ephemeral, f"a refusal shown to everyone: {reply.content!r}"
        self.assert_quiet(before)
        return reply

    async def _typing(self, name: str, focused: str, typed: str, locale: str) -> None:
        logged = len(self.errors.records)
        with discord_accepts_everything(self.world.fake):
            await self.world.choices(self.alpha, name, focused, typed, locale=locale)
        assert self.errors.records[logged:] == []

    @property
    def alpha(self) -> Server:
        return self.world.alpha

    def messages(self) -> dict[int, StoredMessage]:
        return self.world.fake.backend.messages

    def assert_quiet(self, before: set[int] | None = None) -> None:
        """No mention could fire, and nothing reached the server on 127.0.0.1."""
        sent = [m for i, m in self.messages().items() if before is None or i not in before]
        assert [m.id for m in sent if not m.loading and not m.mentions_disabled] == []
        assert sum(self.site.hits.values()) == 0, f"a private URL was fetched: {self.site.hits}"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def started(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Arena]:
    errors = ErrorLog()
    logging.getLogger().addHandler(errors)
    try:
        async with (
            running_feed_server() as (server, site),
            bot_world(tmp_path_factory.mktemp("hostile")) as world,
        ):
            assert server.port is not None  # started
            yield await _furnished(world, server.port, site, errors)
    finally:
        logging.getLogger().removeHandler(errors)


async def _furnished(world: BotWorld, port: int, site: FeedServerState, errors: ErrorLog) -> Arena:
    """Alpha has roundups to find, a digest channel and a feed on 127.0.0.1 it follows (filed
    through OPML, which does not fetch), so that every command has something to act on."""
    await world.import_both_roundups(world.alpha)
    archive = world.bot.services.archive
    await archive.import_roundup(ImportRequest(world.alpha.id, KOREAN_COLUMN, filename="a.txt"))
    feed = f"http://127.0.0.1:{port}/feed.xml"
    opml = f'<opml version="2.0"><body><outline text="local" xmlUrl="{feed}"/></body></opml>'
    await world.bot.services.feeds.import_opml(world.alpha.id, opml.encode())
    digest: dict[str, OptionValue] = {
        "channel": world.alpha.channel.id,
        "weekday": 2,
        "hour": 7,
        "timezone": "Asia/Seoul",
        "language": "ko",
    }
    await world.reply(world.alpha, "setup digest", digest, admin=True)
    loop = asyncio.get_running_loop()
    return Arena(world, loop, site, port, errors, feed)


@pytest.fixture
def arena(started: Arena) -> Iterator[Arena]:
    logged = len(started.errors.records)
    with discord_accepts_everything(started.world.fake):
        yield started
    started.assert_quiet()
    assert started.errors.records[logged:] == []


def optional(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str | None]:
    return st.none() | strategy


def uploads(suffixes: list[str], contents: st.SearchStrategy[bytes]) -> st.SearchStrategy[Upload]:
    # Discord hands the bot an attachment under a sanitised name (its CDN URL holds it).
    stems = hostile_text(1, 60).map(lambda value: re.sub(r"[^A-Za-z0-9._-]", "_", value))
    names = st.builds("{}{}".format, stems, st.sampled_from(suffixes))
    return st.builds(Upload, names, contents)


KOREAN_COLUMN_BYTES = st.one_of(
    hostile_text(0, 10_000).map(str.encode),
    hostile_text(0, 3000).map(lambda value: KOREAN_COLUMN.replace("아마존", value).encode()),
    st.binary(max_size=2000),
    st.sampled_from([b"\xff\xfe\x00", "가나다".encode("cp949"), "\ufeff".encode()]),
)
KOREAN_COLUMN_FILES = uploads(
    [".txt", ".md", ".html", ".exe", "", ".TXT", ".txt.exe"], KOREAN_COLUMN_BYTES
)


def opml_documents(port: int) -> st.SearchStrategy[bytes]:
    """OPML listing private and script URLs under hostile titles, and hostile non-OPML."""
    outline = st.builds(
        lambda title, url: f"<outline text={quoteattr(title)} xmlUrl={quoteattr(url)}/>",
        hostile_text(0, 200).map(lambda value: "".join(c for c in value if c >= " ")),
        st.one_of(private_urls(port), st.sampled_from(SCRIPT_URLS)),
    )
    document = st.lists(outline, max_size=5).map(
        lambda rows: f'<opml version="2.0"><body>{"".join(rows)}</body></opml>'.encode()
    )
    return st.one_of(document, hostile_text(0, 3000).filter(cannot_name_a_host).map(str.encode))


@hostile_settings()
@given(name=hostile_text(1, 100), locale=LOCALES)
def test_company_name(arena: Arena, name: str, locale: str) -> None:
    arena.send("company", {"name": name}, admin=False, locale=locale)


@hostile_settings()
@given(
    query=hostile_text(1, 200),
    week=optional(hostile_weeks()),
    company=optional(hostile_text(1, 100)),
    topic=optional(hostile_text(1, 100)),
    locale=LOCALES,
)
def test_headlines_options(
    arena: Arena, query: str, week: str | None, company: str | None, topic: str | None, locale: str
) -> None:
    options = {"query": query, "week": week, "company": company, "topic": topic}
    arena.send("headlines", options, admin=False, locale=locale)


@hostile_settings()
@given(
    command=st.sampled_from(
        [
            ("company", "name"),
            ("headlines", "company"),
            ("headlines", "topic"),
            ("companies alias", "company"),
            ("setup digest", "timezone"),
            ("subscribe", "company"),
            ("subscribe", "topic"),
            ("unsubscribe", "subscription"),
            ("alerts quiet", "timezone"),
        ]
    ),
    typed=hostile_text(0, 100),
    locale=LOCALES,
)
def test_autocomplete_of_every_option(
    arena: Arena, command: tuple[str, str], typed: str, locale: str
) -> None:
    arena.typing(*command, typed, locale)


@hostile_settings()
@given(week=optional(hostile_weeks()), locale=LOCALES)
def test_roundup_week(arena: Arena, week: str | None, locale: str) -> None:
    arena.send("roundup", {"week": week}, admin=False, locale=locale)


@hostile_settings()
@given(data=st.data(), admin=st.booleans(), locale=LOCALES)
def test_roundup_import_options(
    arena: Arena, data: st.DataObject, admin: bool, locale: str
) -> None:
    options = {
        "file": data.draw(st.none() | KOREAN_COLUMN_FILES),
        "url": data.draw(optional(hostile_urls(arena.port))),
        "date": data.draw(optional(hostile_dates())),
        "title": data.draw(optional(hostile_text(1, 200))),
    }
    arena.send("roundup-import", options, admin=admin, locale=locale)


@hostile_settings()
@given(
    weekday=st.integers(0, 6),
    hour=st.integers(0, 23),
    timezone=st.one_of(
        hostile_text(1, 64),
        st.sampled_from(["UTC", "Asia/Seoul", "../../etc/passwd", "Etc/GMT+14"]),
    ),
    language=st.sampled_from(["ko", "en"]),
    admin=st.booleans(),
    locale=LOCALES,
)
def test_setup_digest_options(
    arena: Arena, weekday: int, hour: int, timezone: str, language: str, admin: bool, locale: str
) -> None:
    options: dict[str, OptionValue] = {
        "channel": arena.alpha.channel.id,
        "weekday": weekday,
        "hour": hour,
        "timezone": timezone,
        "language": language,
    }
    arena.send("setup digest", options, admin=admin, locale=locale)


@hostile_settings()
@given(
    sections=st.none() | st.integers(1, 10),
    items=st.none() | st.integers(1, 10),
    thread=st.none() | st.booleans(),
    admin=st.booleans(),
    locale=LOCALES,
)
def test_setup_digest_size_options(
    arena: Arena,
    sections: int | None,
    items: int | None,
    thread: bool | None,
    admin: bool,
    locale: str,
) -> None:
    options = {"sections": sections, "items": items, "thread": thread}
    arena.send("setup digest-options", options, admin=admin, locale=locale)


@hostile_settings()
@given(
    command=st.sampled_from(
        [
            "setup show",
            "digest next",
            "feed list",
            "feed opml-export",
            "help",
            "subscriptions",
            "alerts resume",
            "alerts quiet-off",
            "alerts status",
            "status",
            "setup alerts",
        ]
    ),
    admin=st.booleans(),
    locale=LOCALES,
)
def test_commands_without_options(arena: Arena, command: str, admin: bool, locale: str) -> None:
    arena.send(command, admin=admin, locale=locale)


@hostile_settings()
@given(
    week=optional(hostile_weeks()),
    post=st.booleans(),
    force=st.booleans(),
    admin=st.booleans(),
    locale=LOCALES,
)
def test_digest_week_options(
    arena: Arena, week: str | None, post: bool, force: bool, admin: bool, locale: str
) -> None:
    if post:
        arena.send("digest post", {"week": week, "force": force}, admin=admin, locale=locale)
    else:
        arena.send("digest preview", {"week": week}, admin=admin, locale=locale)


@hostile_settings()
@given(data=st.data(), test=st.booleans(), admin=st.booleans(), locale=LOCALES)
def test_feed_url_options(
    arena: Arena, data: st.DataObject, test: bool, admin: bool, locale: str
) -> None:
    url = data.draw(hostile_urls(arena.port))
    if test:
        arena.send("feed test", {"url": url}, admin=admin, locale=locale)
    else:
        name = data.draw(optional(hostile_text(1, 100)))
        arena.send("feed add", {"url": url, "name": name}, admin=admin, locale=locale)


@hostile_settings()
@given(data=st.data(), retry=st.booleans(), admin=st.booleans(), locale=LOCALES)
def test_feed_reference_options(
    arena: Arena, data: st.DataObject, retry: bool, admin: bool, locale: str
) -> None:
    # The followed feed itself is on 127.0.0.1: retrying it must be refused, not fetched.
    known = st.sampled_from([arena.followed_feed, "local", f" {arena.followed_feed} "])
    feed = data.draw(st.one_of(known, hostile_text(1, 2000)))
    arena.send("feed retry" if retry else "feed remove", {"feed": feed}, admin=admin, locale=locale)
    if not retry and feed.strip() in (arena.followed_feed, "local") and admin:
        _follow_again(arena)


def _follow_again(arena: Arena) -> None:
    opml = f'<opml><body><outline text="local" xmlUrl="{arena.followed_feed}"/></body></opml>'
    feeds = arena.world.bot.services.feeds
    arena.loop.run_until_complete(feeds.import_opml(arena.alpha.id, opml.encode()))


@hostile_settings()
@given(data=st.data(), admin=st.booleans(), locale=LOCALES)
def test_feed_opml_import_file(arena: Arena, data: st.DataObject, admin: bool, locale: str) -> None:
    upload = data.draw(uploads([".opml", ".xml", ".txt", ""], opml_documents(arena.port)))
    arena.send("feed opml-import", {"file": upload}, admin=admin, locale=locale)


@hostile_settings()
@given(
    name=hostile_text(1, 100),
    english=optional(hostile_text(1, 100)),
    aliases=optional(hostile_text(1, 1000)),
    admin=st.booleans(),
    locale=LOCALES,
)
def test_companies_add_options(
    arena: Arena, name: str, english: str | None, aliases: str | None, admin: bool, locale: str
) -> None:
    options = {"name": name, "english": english, "aliases": aliases}
    arena.send("companies add", options, admin=admin, locale=locale)


@hostile_settings()
@given(
    company=st.one_of(st.sampled_from(["엔비디아", "MS"]), hostile_text(1, 100)),
    alias=hostile_text(1, 100),
    admin=st.booleans(),
    locale=LOCALES,
)
def test_companies_alias_options(
    arena: Arena, company: str, alias: str, admin: bool, locale: str
) -> None:
    arena.send("companies alias", {"company": company, "alias": alias}, admin=admin, locale=locale)


def test_every_private_host_spelling_is_refused_by_feed_test(arena: Arena) -> None:
    """Not left to chance: each spelling of a private host, at the local server's port."""
    for host in PRIVATE_HOSTS:
        reply = arena.send("feed test", {"url": f"http://{host}:{arena.port}/feed.xml"})
        assert reply.ephemeral
        assert reply.content, host


@hostile_settings()
@given(
    topic=optional(hostile_text(1, 100)),
    company=optional(hostile_text(1, 100)),
    keyword=optional(hostile_text(1, 100)),
    delivery=st.sampled_from([None, "dm", "channel"]),
    locale=LOCALES,
)
def test_subscribe_options(
    arena: Arena,
    topic: str | None,
    company: str | None,
    keyword: str | None,
    delivery: str | None,
    locale: str,
) -> None:
    options = {"topic": topic, "company": company, "keyword": keyword, "delivery": delivery}
    arena.send("subscribe", options, admin=False, locale=locale)


@hostile_settings()
@given(subscription=hostile_text(1, 100), locale=LOCALES)
def test_unsubscribe_subscription(arena: Arena, subscription: str, locale: str) -> None:
    arena.send("unsubscribe", {"subscription": subscription}, admin=False, locale=locale)


@hostile_settings()
@given(
    hours=st.one_of(st.none(), st.integers(1, 720)),
    start=hostile_text(1, 10),
    end=st.one_of(hostile_text(1, 10), st.sampled_from(["07:00", "7", "0730", "24:00"])),
    timezone=st.one_of(hostile_text(1, 64), st.sampled_from(["Asia/Seoul", "../etc", "UTC"])),
    locale=LOCALES,
)
def test_alerts_options(
    arena: Arena, hours: int | None, start: str, end: str, timezone: str, locale: str
) -> None:
    arena.send("alerts pause", {"hours": hours}, admin=False, locale=locale)
    options = {"start": start, "end": end, "timezone": timezone}
    arena.send("alerts quiet", options, admin=False, locale=locale)
