"""Admin commands: /setup and /companies, and the Manage Server check every admin command has."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping

import pytest
import pytest_asyncio

from testkit.bot_harness import Server, discord_accepts_everything
from testkit.fake_discord import OptionValue, StoredMessage, Upload
from tests.e2e.bot_harness import KOREAN_COLUMN, BotWorld, bot_world

pytestmark = pytest.mark.asyncio(loop_scope="module")

FRIDAY = 4
NEEDS_MANAGE_SERVER = "Only members with the Manage Server permission can do that."


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def started(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[BotWorld]:
    async with bot_world(tmp_path_factory.mktemp("admin")) as world:
        yield world


@pytest.fixture
def world(started: BotWorld) -> Iterator[BotWorld]:
    with discord_accepts_everything(started.fake):
        yield started


def digest_options(server: Server, **overrides: OptionValue) -> dict[str, OptionValue]:
    options: dict[str, OptionValue] = {
        "channel": server.channel.id,
        "weekday": FRIDAY,
        "hour": 9,
        "timezone": "Asia/Seoul",
        "language": "ko",
    }
    return options | overrides


def fields(message: StoredMessage) -> dict[str, str]:
    return {f["name"]: f["value"] for f in message.embeds[0]["fields"]}


async def test_setup_digest_by_an_admin_saves_the_settings(world: BotWorld) -> None:
    server = world.alpha

    reply = await world.reply(server, "setup digest", digest_options(server), admin=True)

    assert reply.ephemeral
    assert reply.content == "Saved. The digest settings are now:"
    assert fields(reply)["Digest channel"] == f"<#{server.channel.id}>"
    assert fields(reply)["Digest time"] == "Friday 09:00 (Asia/Seoul)"
    assert fields(reply)["Language"] == "Korean"


async def test_setup_digest_answers_in_korean_to_a_korean_client(world: BotWorld) -> None:
    server = world.alpha

    reply = await world.reply(
        server, "setup digest", digest_options(server), admin=True, locale="ko"
    )

    assert reply.content == "저장했습니다. 현재 다이제스트 설정:"
    assert fields(reply)["다이제스트 시간"] == "금요일 09:00 (Asia/Seoul)"
    assert fields(reply)["언어"] == "한국어"


async def test_setup_show_displays_the_stored_settings(world: BotWorld) -> None:
    server = world.beta
    options = digest_options(server, weekday=0, hour=18, timezone="Europe/Paris", language="en")
    await world.reply(server, "setup digest", options, admin=True)

    reply = await world.reply(server, "setup show", admin=True)

    assert reply.ephemeral
    assert fields(reply) == {
        "Digest channel": f"<#{server.channel.id}>",
        "Digest time": "Monday 18:00 (Europe/Paris)",
        "Language": "English",
        "Alert channel": "not set",
    }


async def test_setup_show_speaks_korean_to_a_korean_client(world: BotWorld) -> None:
    reply = await world.reply(world.muted, "setup show", admin=True, locale="ko")

    assert reply.embeds[0]["title"] == "서버 설정"
    assert fields(reply)["다이제스트 채널"] == "설정 안 됨"


async def test_setup_digest_to_a_channel_the_bot_cannot_post_in_is_refused(
    world: BotWorld,
) -> None:
    server = world.muted

    refusal = await world.reply(server, "setup digest", digest_options(server), admin=True)
    shown = await world.reply(server, "setup show", admin=True)

    assert refusal.ephemeral
    assert refusal.content.startswith(f"I cannot post in <#{server.channel.id}>")
    assert fields(shown)["Digest channel"] == "not set"


async def test_setup_digest_with_an_unknown_time_zone_is_refused(world: BotWorld) -> None:
    options = digest_options(world.alpha, timezone="Mars/Olympus")

    refusal = await world.reply(world.alpha, "setup digest", options, admin=True)

    assert refusal.ephemeral
    assert refusal.content == "'Mars/Olympus' is not a time zone: use a name like Asia/Seoul."


async def test_setup_digest_autocompletes_time_zones(world: BotWorld) -> None:
    record = await world.fake.autocomplete(
        world.alpha.id,
        world.alpha.channel.id,
        world.alpha.admin.id,
        "setup digest",
        "timezone",
        "Asia/Se",
    )

    response = await record.wait_response()
    assert response.choices[0]["value"] == "Asia/Seoul"


async def test_companies_add_teaches_the_bot_a_new_company(world: BotWorld) -> None:
    options = {"name": "가상전자", "english": "Gasang Electronics", "aliases": "GSE, 가상일렉"}

    added = await world.reply(world.alpha, "companies add", options, admin=True)
    found = await world.reply(world.alpha, "company", {"name": "GSE"})

    assert added.ephemeral
    assert added.content == "Added **가상전자**."
    assert found.embeds[0]["title"] == "가상전자 (Gasang Electronics)"


async def test_companies_alias_lets_company_find_the_new_name(world: BotWorld) -> None:
    options = {"company": "마이크로소프트", "alias": "마소"}

    added = await world.reply(world.alpha, "companies alias", options, admin=True)
    found = await world.reply(world.alpha, "company", {"name": "마소"})

    assert added.content == "**마이크로소프트** is now also recognised as **마소**."
    assert found.embeds[0]["title"] == "마이크로소프트 (Microsoft)"


async def test_companies_add_answers_in_korean_to_a_korean_client(world: BotWorld) -> None:
    options = {"name": "가상반도체", "english": "Gasang Semiconductor"}

    added = await world.reply(world.alpha, "companies add", options, admin=True, locale="ko")

    assert added.content == "**가상반도체**를 추가했습니다."  # 체: no final consonant


async def test_companies_alias_autocompletes_the_company(world: BotWorld) -> None:
    record = await world.fake.autocomplete(
        world.alpha.id,
        world.alpha.channel.id,
        world.alpha.admin.id,
        "companies alias",
        "company",
        "엔비",
    )

    response = await record.wait_response()
    assert response.choices[0]["value"] == "엔비디아"


ADMIN_INVOCATIONS: list[tuple[str, Mapping[str, OptionValue]]] = [
    ("setup show", {}),
    ("setup digest", {"channel": 0, "weekday": 0, "hour": 9, "timezone": "UTC", "language": "en"}),
    ("companies add", {"name": "몰래전자"}),
    ("companies alias", {"company": "마이크로소프트", "alias": "몰래소프트"}),
    ("roundup-import", {"file": Upload("column.txt", KOREAN_COLUMN.encode(), "text/plain")}),
]


@pytest.mark.parametrize(
    ("name", "options"), ADMIN_INVOCATIONS, ids=[n for n, _ in ADMIN_INVOCATIONS]
)
async def test_member_without_manage_server_is_refused(
    world: BotWorld, name: str, options: Mapping[str, OptionValue]
) -> None:
    server = world.alpha
    if "channel" in options:
        options = {**options, "channel": server.channel.id}

    refusal = await world.reply(server, name, options)

    assert refusal.ephemeral
    assert refusal.content == NEEDS_MANAGE_SERVER


async def test_refused_member_changes_nothing(world: BotWorld) -> None:
    await world.reply(world.alpha, "companies alias", {"company": "엔비디아", "alias": "엔비몰래"})

    found = await world.reply(world.alpha, "company", {"name": "엔비몰래"})

    assert "I don't know a company called" in found.embeds[0]["description"]


async def test_refusal_is_korean_for_a_korean_client(world: BotWorld) -> None:
    refusal = await world.reply(world.alpha, "setup show", locale="ko")

    assert refusal.content == "서버 관리 권한이 있는 멤버만 사용할 수 있습니다."
