"""The real roundup-bot, built exactly as ``python -m bot run`` builds it, against the fake."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from pydantic import SecretStr

from bot.client import RoundupBot, bot_session
from bot.settings import Settings
from news.archive.importing import ImportRequest
from news.core.models import ImportResult
from tests.e2e.fake_discord import (
    Channel,
    FakeDiscord,
    Guild,
    InteractionRecord,
    LoopbackOnlyConnector,
    Member,
    OptionValue,
    Perm,
    StoredMessage,
    point_discord_at,
    running_bot,
)

# A read-only server (announcements style): nobody may post, the bot included, since its
# admins never granted it Send Messages.
READ_ONLY = Perm.VIEW_CHANNEL | Perm.READ_MESSAGE_HISTORY | Perm.USE_APPLICATION_COMMANDS

# A Korean column (the layout the importer must read perfectly), written for these tests:
# two photo captions and a footer to skip, two sections of two headlines each.
KOREAN_COLUMN = """회의실 전경 [사진: 셔터스톡]
회의실 전경 [사진: 셔터스톡]

[가상테크뉴스 박지민 기자] 클라우드 소식이 많았다. 아마존과 구글이 새 계획을 밝혔다.

ㆍ아마존, 서울 리전에 새 데이터센터 추가
ㆍ구글, 한국어 검색 모델 개편

국내에선 네이버가 주목받았다.

ㆍ네이버, 기업용 AI 비서 출시
ㆍ[분석]검색 시장의 지각 변동

저작권자 © 가상테크뉴스 무단전재 및 재배포 금지
"""

# A Markdown roundup with links, for the questions the archive answers.
LINKED_ROUNDUP = """# 가상 테크 라운드업

## AI 칩

마이크로소프트와 엔비디아가 이번 주 화제였다.

- [마이크로소프트, 새 AI 가속기 공개](https://example.com/ms-chip)
- [엔비디아, 데이터센터 매출 신기록](https://example.com/nvidia-record)

## 보안

클라우드 보안 사고가 이어졌다.

- [클라우드 설정 오류로 고객 정보 노출](https://example.com/cloud-leak)
- [마이크로소프트, 보안 패치 일정 앞당겨](https://example.com/ms-patch)
"""

# An older roundup, for questions about a given week and for the weekly chart.
OLDER_ROUNDUP = """# 지난 라운드업

## 클라우드

- [마이크로소프트, 데이터센터 전력 계약 확대](https://example.com/ms-power)
- [네이버, 검색 광고 개편](https://example.com/naver-ads)
"""
OLDER_ROUNDUP_DAY = date(2026, 3, 4)
OLDER_ROUNDUP_WEEK = "2026-W10"


def security_roundup(count: int) -> str:
    """A roundup of ``count`` security headlines, enough to page through."""
    lines = ["# 보안 주간", "", "## 보안", ""]
    lines += [
        f"- [보안 점검 소식 {number}호](https://example.com/security-{number})"
        for number in range(1, count + 1)
    ]
    return "\n".join(lines) + "\n"


def today() -> date:
    """The service files an import under its date; its weekly chart ends at this week."""
    return datetime.now(UTC).date()


@dataclass(frozen=True, slots=True)
class Server:
    """One Discord server of the scenario: an admin, a plain member and a text channel."""

    guild: Guild
    channel: Channel
    admin: Member
    member: Member

    @property
    def id(self) -> int:
        return self.guild.id


def add_server(fake: FakeDiscord, name: str, *, read_only: bool = False) -> Server:
    """A server; in a ``read_only`` one, neither @everyone nor the bot may send messages."""
    if read_only:
        guild = fake.add_guild(name, bot_permissions=READ_ONLY)
        guild.everyone.permissions = READ_ONLY
    else:
        guild = fake.add_guild(name)
    channel = fake.add_text_channel(guild, "news")
    admin = fake.add_member(guild, f"{name}-admin", permissions=Perm.MANAGE_GUILD)
    member = fake.add_member(guild, f"{name}-member")
    return Server(guild, channel, admin, member)


def settings_for(
    fake: FakeDiscord, database: Path, dev_guild_id: int, *, allow_private_urls: bool = False
) -> Settings:
    """The five settings the issue names, and private URLs for a feed site on 127.0.0.1."""
    return Settings(
        _env_file=None,  # pydantic-settings' init-only option: ignore .env in tests
        discord_token=SecretStr(fake.token),
        discord_api_base=fake.api_base,
        discord_gateway_url=fake.gateway_url,
        dev_guild_id=dev_guild_id,
        database_path=database,
        allow_private_urls=allow_private_urls,
    )


@asynccontextmanager
async def roundup_bot(
    fake: FakeDiscord, database: Path, dev_guild_id: int, *, allow_private_urls: bool = False
) -> AsyncIterator[RoundupBot]:
    settings = settings_for(fake, database, dev_guild_id, allow_private_urls=allow_private_urls)
    # bot_session points discord.py's process-wide URLs at the fake; put them back after,
    # or later tests would talk to a server that is gone.
    with point_discord_at(fake):
        async with (
            bot_session(
                settings, connector=LoopbackOnlyConnector(), guild_ready_timeout=0.05
            ) as bot,
            running_bot(bot, fake),
        ):
            yield bot


@dataclass(frozen=True, slots=True)
class BotWorld:
    """The running bot in three servers: ``alpha`` (the development server the commands are
    synced to at start-up), ``beta``, and ``muted``, where the bot may not post."""

    fake: FakeDiscord
    bot: RoundupBot
    database: Path
    alpha: Server
    beta: Server
    muted: Server

    async def run(
        self,
        server: Server,
        name: str,
        options: Mapping[str, OptionValue] | None = None,
        *,
        admin: bool = False,
        locale: str = "en-US",
    ) -> InteractionRecord:
        """Deliver ``/name`` from the server's member (or its admin) in its news channel."""
        user = server.admin if admin else server.member
        return await self.fake.slash(
            server.id, server.channel.id, user.id, name, options, locale=locale
        )

    async def reply(
        self,
        server: Server,
        name: str,
        options: Mapping[str, OptionValue] | None = None,
        *,
        admin: bool = False,
        locale: str = "en-US",
    ) -> StoredMessage:
        """What the user sees first after ``/name``."""
        record = await self.run(server, name, options, admin=admin, locale=locale)
        return await record.wait_reply()

    async def choices(
        self, server: Server, name: str, focused: str, typed: str, *, locale: str = "en-US"
    ) -> list[tuple[str, str]]:
        """Autocomplete choices (name, value) offered while typing ``typed`` into ``focused``."""
        record = await self.fake.autocomplete(
            server.id, server.channel.id, server.member.id, name, focused, typed, locale=locale
        )
        response = await record.wait_response()
        return [(choice["name"], choice["value"]) for choice in response.choices]

    async def import_roundup(
        self, server: Server, text: str = LINKED_ROUNDUP, day: date | None = None
    ) -> ImportResult:
        """File a roundup for ``server`` through the service, as an earlier import would have
        (dated today unless ``day`` is given)."""
        return await self.bot.services.archive.import_roundup(
            ImportRequest(server.id, text, filename="roundup.md", day=day or today())
        )

    async def import_both_roundups(self, server: Server) -> None:
        """This week's linked roundup and the older one."""
        await self.import_roundup(server)
        await self.import_roundup(server, OLDER_ROUNDUP, OLDER_ROUNDUP_DAY)


@contextmanager
def discord_accepts_everything(fake: FakeDiscord) -> Iterator[None]:
    """Check, when the block ends without error, that nothing the bot sent during it was
    refused, every route it used existed, and every interaction delivered during it was
    acknowledged (in time: the fake refuses callbacks older than 3 s with 10062)."""
    rejections, unknown_routes = len(fake.rejections), len(fake.unknown_routes)
    interactions = set(fake.backend.interactions)
    yield
    assert fake.rejections[rejections:] == []
    assert fake.unknown_routes[unknown_routes:] == []
    new = [fake.backend.interactions[i] for i in fake.backend.interactions if i not in interactions]
    assert [record.id for record in new if not record.acknowledged] == []


@asynccontextmanager
async def bot_world(tmp_path: Path, *, allow_private_urls: bool = False) -> AsyncIterator[BotWorld]:
    """Start the bot in three servers; on a clean exit, check Discord accepted everything.

    Starting costs about half a second (most of it seeding the company list), so modules
    whose tests only ask questions share one world (see ``discord_accepts_everything``).

    The fake runs on the real monotonic clock here, so an interaction the bot answered after
    3 s is refused as on Discord."""
    async with FakeDiscord(clock=time.monotonic) as fake:
        alpha = add_server(fake, "alpha")
        beta = add_server(fake, "beta")
        muted = add_server(fake, "muted", read_only=True)
        database = tmp_path / "bot.db"
        with discord_accepts_everything(fake):
            async with roundup_bot(
                fake, database, alpha.id, allow_private_urls=allow_private_urls
            ) as bot:
                # The servers other than the development one get the commands from a global
                # sync, as `python -m bot sync --global` gives them in production.
                await bot.sync_commands(guild_id=None)
                yield BotWorld(fake, bot, database, alpha, beta, muted)
