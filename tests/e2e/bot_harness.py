"""The end-to-end scenario: the running bot (``testkit.bot_harness``) in three servers of the
fake Discord, and the roundups the tests import into them."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from bot.client import RoundupBot
from news.archive.importing import ImportRequest
from news.core.models import ImportResult
from testkit.bot_harness import Server, add_server, discord_accepts_everything, roundup_bot
from testkit.fake_discord import FakeDiscord, InteractionRecord, OptionValue, StoredMessage

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


@asynccontextmanager
async def bot_world(
    tmp_path: Path, *, allow_private_urls: bool = False, database_url: str | None = None
) -> AsyncIterator[BotWorld]:
    """Start the bot in three servers; on a clean exit, check Discord accepted everything.

    Starting costs about half a second (most of it seeding the company list), so modules
    whose tests only ask questions share one world (see ``discord_accepts_everything``).

    The fake runs on the real monotonic clock here, so an interaction the bot answered after
    3 s is refused as on Discord. With ``database_url`` the bot keeps its archive in that
    PostgreSQL database rather than in a file under ``tmp_path``."""
    async with FakeDiscord(clock=time.monotonic) as fake:
        alpha = add_server(fake, "alpha")
        beta = add_server(fake, "beta")
        muted = add_server(fake, "muted", read_only=True)
        database = tmp_path / "bot.db"
        with discord_accepts_everything(fake):
            async with roundup_bot(
                fake,
                database,
                alpha.id,
                allow_private_urls=allow_private_urls,
                database_url=database_url,
            ) as bot:
                # The servers other than the development one get the commands from a global
                # sync, as `python -m bot sync --global` gives them in production.
                await bot.sync_commands(guild_id=None)
                yield BotWorld(fake, bot, database, alpha, beta, muted)
