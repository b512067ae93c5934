"""The fake Discord against the real discord.py client, driven by a tiny bot defined here."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands

from testkit.fake_discord import (
    CallbackType,
    Channel,
    FakeDiscord,
    Guild,
    Intent,
    InteractionRecord,
    LoopbackOnlyConnector,
    ManualClock,
    Member,
    NonLoopbackHostError,
    Op,
    OptionValue,
    Perm,
    RateLimitConfig,
    Upload,
    running_bot,
)
from testkit.fake_discord.validation import (
    ApiError,
    check_choices,
    check_commands,
    check_message_limits,
    check_not_empty,
)

COMPANIES = ["Nvidia", "Naver", "Netflix", "Samsung"]


class VoteView(discord.ui.View):
    @discord.ui.button(label="Yes", custom_id="vote:yes")
    async def yes(
        self, interaction: discord.Interaction, button: discord.ui.Button[VoteView]
    ) -> None:
        await interaction.response.edit_message(content="Counted: yes", view=None)


class TinyBot(commands.Bot):
    """Just enough bot to exercise the fake: one command per protocol path."""

    def __init__(self, dev_guild_id: int, intents: discord.Intents | None = None) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents or discord.Intents.default(),
            connector=LoopbackOnlyConnector(),
            guild_ready_timeout=0.05,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        self.dev_guild = discord.Object(dev_guild_id)
        self.gate = asyncio.Event()
        self.add_commands()

    async def setup_hook(self) -> None:
        self.tree.copy_global_to(guild=self.dev_guild)
        await self.tree.sync(guild=self.dev_guild)

    def add_commands(self) -> None:
        every: list[app_commands.Command[Any, ..., None] | app_commands.Group] = [
            echo,
            slow,
            eager,
            edited,
            company,
            vote,
            announce,
            late,
            twice,
            huge,
            size,
            upload,
            locale,
            pair,
            roundup,
            settings,
        ]
        for command in every:
            self.tree.add_command(command)


@app_commands.command()
async def echo(interaction: discord.Interaction, text: str) -> None:
    """Repeat the text."""
    await interaction.response.send_message(text)


@app_commands.command()
async def slow(interaction: discord.Interaction) -> None:
    """Think first, answer later."""
    await interaction.response.defer(thinking=True)
    await interaction.followup.send("Done thinking")


@app_commands.command()
async def eager(interaction: discord.Interaction) -> None:
    """Follow up without acknowledging first."""
    await interaction.followup.send("Too soon")


@app_commands.command()
async def edited(interaction: discord.Interaction) -> None:
    """Think first, then fill the placeholder in."""
    await interaction.response.defer(thinking=True)
    await interaction.edit_original_response(content="Filled in")


@app_commands.command()
async def company(interaction: discord.Interaction, name: str) -> None:
    """Look a company up."""
    await interaction.response.send_message(name)


@company.autocomplete("name")
async def company_names(
    interaction: discord.Interaction, typed: str
) -> list[app_commands.Choice[str]]:
    matches = [name for name in COMPANIES if name.lower().startswith(typed.lower())]
    return [app_commands.Choice(name=name, value=name) for name in matches]


@app_commands.command()
async def vote(interaction: discord.Interaction) -> None:
    """Ask for a vote with a button."""
    await interaction.response.send_message("Vote now", view=VoteView())


@app_commands.command()
async def announce(interaction: discord.Interaction) -> None:
    """Post in the channel, then confirm."""
    assert isinstance(interaction.channel, discord.TextChannel)
    await interaction.channel.send("Announcement")
    await interaction.response.send_message("Posted", ephemeral=True)


@app_commands.command()
async def late(interaction: discord.Interaction) -> None:
    """Answer only when the test opens the gate."""
    bot = interaction.client
    assert isinstance(bot, TinyBot)
    await bot.gate.wait()
    await interaction.response.send_message("Finally")


@app_commands.command()
async def twice(interaction: discord.Interaction) -> None:
    """Acknowledge twice, the way a second process with the same token would."""
    await interaction.response.send_message("First")
    await discord.InteractionResponse(interaction).send_message("Second")


@app_commands.command()
async def huge(interaction: discord.Interaction) -> None:
    """Reply with an embed over the description limit."""
    await interaction.response.send_message(embed=discord.Embed(description="x" * 4097))


@app_commands.command()
async def size(interaction: discord.Interaction, file: discord.Attachment) -> None:
    """Download the attachment and tell its size."""
    data = await file.read()
    await interaction.response.send_message(f"{file.filename}: {len(data)} bytes")


@app_commands.command()
async def upload(interaction: discord.Interaction) -> None:
    """Reply with a file."""
    file = discord.File(io.BytesIO(b"week,headlines\n2025-W01,12\n"), filename="week.csv")
    await interaction.response.send_message("Here it is", file=file)


@app_commands.command()
async def pair(
    interaction: discord.Interaction, who: discord.Member, where: discord.TextChannel
) -> None:
    """Name a member and a channel."""
    await interaction.response.send_message(f"{who.name} in #{where.name}")


roundup = app_commands.Group(name="roundup", description="Weekly roundups.")


@roundup.command(name="show")
async def roundup_show(
    interaction: discord.Interaction, week: app_commands.Range[int, 1, 53]
) -> None:
    """Show one week."""
    await interaction.response.send_message(f"Week {week}")


@app_commands.command()
@app_commands.default_permissions(manage_guild=True)
async def settings(interaction: discord.Interaction) -> None:
    """Change the server's settings."""
    await interaction.response.send_message("Settings")


@app_commands.command()
async def locale(interaction: discord.Interaction) -> None:
    """Tell the user's locale."""
    await interaction.response.send_message(str(interaction.locale))


@dataclass
class Scene:
    fake: FakeDiscord
    guild: Guild
    channel: Channel
    member: Member
    bot: TinyBot


def build_guild(fake: FakeDiscord) -> tuple[Guild, Channel, Member]:
    guild = fake.add_guild("Tech News")
    channel = fake.add_text_channel(guild, "news")
    member = fake.add_member(guild, "reader")
    return guild, channel, member


@pytest.fixture
async def scene(fake_discord: FakeDiscord) -> AsyncIterator[Scene]:
    guild, channel, member = build_guild(fake_discord)
    bot = TinyBot(guild.id)
    async with running_bot(bot, fake_discord):
        yield Scene(fake_discord, guild, channel, member, bot)


async def run_slash(
    scene: Scene, name: str, options: dict[str, OptionValue] | None = None
) -> InteractionRecord:
    return await scene.fake.slash(scene.guild.id, scene.channel.id, scene.member.id, name, options)


# -- start-up ------------------------------------------------------------------------------


async def test_bot_identifies_without_privileged_intents(scene: Scene) -> None:
    identify = scene.fake.gateway.frames_received(Op.IDENTIFY)[0]["d"]

    assert identify["token"] == scene.fake.token
    assert identify["intents"] & Intent.PRIVILEGED == 0


async def test_guild_create_fills_the_bot_cache(scene: Scene) -> None:
    guild = scene.bot.get_guild(scene.guild.id)

    assert guild is not None
    assert [channel.name for channel in guild.text_channels] == ["news"]


async def test_startup_asks_for_user_and_application_then_syncs(scene: Scene) -> None:
    paths = [(r.method, r.path) for r in scene.fake.requests]

    assert paths == [
        ("GET", "/users/@me"),
        ("GET", "/oauth2/applications/@me"),
        ("PUT", f"/applications/{scene.fake.application_id}/guilds/{scene.guild.id}/commands"),
    ]


async def test_synced_commands_are_stored_with_ids(scene: Scene) -> None:
    stored = {command["name"]: command for command in scene.fake.commands(scene.guild.id)}

    assert "echo" in stored
    assert stored["echo"]["id"].isdigit()
    assert stored["echo"]["options"][0]["name"] == "text"


async def test_privileged_intents_not_granted_close_with_4014() -> None:
    async with FakeDiscord() as fake:
        guild, _, _ = build_guild(fake)
        bot = TinyBot(guild.id, intents=discord.Intents.all())

        with pytest.raises(discord.PrivilegedIntentsRequired):
            async with running_bot(bot, fake):
                pass

        assert fake.gateway.close_codes == [4014]


async def test_granted_privileged_intents_are_accepted() -> None:
    async with FakeDiscord(granted_intents=Intent.GUILD_MEMBERS) as fake:
        guild, _, member = build_guild(fake)
        intents = discord.Intents.default()
        intents.members = True
        async with running_bot(TinyBot(guild.id, intents=intents), fake) as bot:
            cached = bot.get_guild(guild.id)
            assert cached is not None
            assert cached.get_member(member.id) is not None


async def test_connector_refuses_hosts_other_than_loopback() -> None:
    bot = TinyBot(1)

    with pytest.raises(NonLoopbackHostError):
        await bot.login("token-for-the-real-discord")
    await bot.close()


# -- slash commands ------------------------------------------------------------------------


async def test_slash_command_gets_a_channel_message(scene: Scene) -> None:
    record = await run_slash(scene, "echo", {"text": "hello"})

    response = await record.wait_response()

    assert response.type == CallbackType.CHANNEL_MESSAGE
    assert response.data["content"] == "hello"
    assert [m.content for m in scene.fake.messages(scene.channel.id)] == ["hello"]


async def test_slash_command_carries_the_command_id_from_sync(scene: Scene) -> None:
    record = await run_slash(scene, "echo", {"text": "hello"})
    await record.wait_response()
    stored = {command["name"]: command["id"] for command in scene.fake.commands(scene.guild.id)}

    assert record.payload["data"]["id"] == stored["echo"]


async def test_replies_record_allowed_mentions(scene: Scene) -> None:
    record = await run_slash(scene, "echo", {"text": "@everyone hi"})

    reply = await record.wait_reply()

    assert reply.mentions_disabled


async def test_deferred_response_is_followed_up(scene: Scene) -> None:
    record = await run_slash(scene, "slow")

    followups = await record.wait_followups()

    assert record.callback is not None
    assert record.callback.type == CallbackType.DEFERRED_CHANNEL_MESSAGE
    assert record.original is not None and record.original.loading
    assert followups[0].content == "Done thinking"


async def test_deferred_response_is_edited_in_place(scene: Scene) -> None:
    record = await run_slash(scene, "edited")

    reply = await record.wait_reply()

    assert reply is record.original
    assert reply.content == "Filled in"
    assert not reply.loading


async def test_file_reply_is_stored_and_served(scene: Scene) -> None:
    reply = await (await run_slash(scene, "upload")).wait_reply()
    attachment = reply.attachments[0]

    async with aiohttp.ClientSession() as session, session.get(attachment["url"]) as response:
        served = await response.read()

    assert attachment["filename"] == "week.csv"
    assert served == b"week,headlines\n2025-W01,12\n"


async def test_member_and_channel_options_are_resolved(scene: Scene) -> None:
    options: dict[str, OptionValue] = {"who": scene.member.id, "where": scene.channel.id}

    reply = await (await run_slash(scene, "pair", options)).wait_reply()

    assert reply.content == "reader in #news"


async def test_subcommand_path_reaches_the_subcommand(scene: Scene) -> None:
    reply = await (await run_slash(scene, "roundup show", {"week": 7})).wait_reply()

    assert reply.content == "Week 7"


async def test_values_outside_the_synced_range_are_refused(scene: Scene) -> None:
    with pytest.raises(ValueError, match="outside"):
        await run_slash(scene, "roundup show", {"week": 54})


async def test_slash_command_in_dm_answers_in_the_dm(scene: Scene) -> None:
    await scene.bot.tree.sync()
    record = await scene.fake.slash(None, None, scene.member.id, "echo", {"text": "in private"})

    await record.wait_reply()

    assert [m.content for m in scene.fake.dms(scene.member.id)] == ["in private"]


async def test_locale_reaches_the_interaction(scene: Scene) -> None:
    record = await scene.fake.slash(
        scene.guild.id, scene.channel.id, scene.member.id, "locale", locale="ko"
    )

    reply = await record.wait_reply()

    assert reply.content == "ko"


async def test_attachment_option_is_downloaded_from_the_fake(scene: Scene) -> None:
    upload = Upload("roundup.md", "# 주간 뉴스\n".encode())

    reply = await (await run_slash(scene, "size", {"file": upload})).wait_reply()

    assert reply.content == f"roundup.md: {len(upload.data)} bytes"


async def test_options_unknown_to_the_synced_command_are_refused(scene: Scene) -> None:
    with pytest.raises(ValueError, match="no option"):
        await run_slash(scene, "echo", {"text": "hi", "txet": "typo"})


async def test_autocomplete_answers_with_choices(scene: Scene) -> None:
    record = await scene.fake.autocomplete(
        scene.guild.id, scene.channel.id, scene.member.id, "company", "name", "na"
    )

    response = await record.wait_response()

    assert response.type == CallbackType.AUTOCOMPLETE_RESULT
    assert [choice["name"] for choice in response.choices] == ["Naver"]


async def test_button_click_updates_the_message(scene: Scene) -> None:
    message = await (await run_slash(scene, "vote")).wait_reply()

    click = await scene.fake.component(message.id, scene.member.id, "vote:yes")
    response = await click.wait_response()

    assert response.type == CallbackType.UPDATE_MESSAGE
    assert message.content == "Counted: yes"
    assert message.components == []


# -- what Discord enforces -----------------------------------------------------------------


async def test_rate_limited_post_is_retried(scene: Scene) -> None:
    scene.fake.fail_with_429("POST", "/channels/*/messages", times=1)

    await (await run_slash(scene, "announce")).wait_reply()

    posts = scene.fake.requests_to("POST", f"/channels/{scene.channel.id}/messages")
    assert [post.status for post in posts] == [429, 200]


async def test_bucket_headers_keep_the_bot_under_the_limit() -> None:
    limits = RateLimitConfig(route_limit=2, route_window=0.05)
    async with FakeDiscord(rate_limits=limits) as fake:
        guild, channel, _ = build_guild(fake)
        async with running_bot(TinyBot(guild.id), fake) as bot:
            text_channel = bot.get_channel(channel.id)
            assert isinstance(text_channel, discord.TextChannel)
            for number in range(3):
                await text_channel.send(f"post {number}")

        assert fake.rate_limited == []
        assert len(fake.messages(channel.id)) == 3


async def test_global_limit_is_retried_after_retry_after() -> None:
    limits = RateLimitConfig(global_limit=1, global_window=0.05)
    async with FakeDiscord(rate_limits=limits) as fake:
        guild, channel, _ = build_guild(fake)
        async with running_bot(TinyBot(guild.id), fake) as bot:
            text_channel = bot.get_channel(channel.id)
            assert isinstance(text_channel, discord.TextChannel)
            for number in range(3):
                await text_channel.send(f"post {number}")

        assert fake.rate_limited
        assert len(fake.messages(channel.id)) == 3


async def test_late_response_is_rejected_as_unknown_interaction(
    scene: Scene, discord_clock: ManualClock
) -> None:
    record = await run_slash(scene, "late")
    discord_clock.advance(3.5)
    scene.bot.gate.set()

    await scene.fake.wait_until(lambda: bool(scene.fake.rejections))

    assert scene.fake.rejections[0].code == 10062
    assert record.callback is None


async def test_second_acknowledgement_is_rejected(scene: Scene) -> None:
    record = await run_slash(scene, "twice")

    await scene.fake.wait_until(lambda: bool(scene.fake.rejections))

    assert scene.fake.rejections[0].code == 40060
    assert record.callback is not None and record.callback.data["content"] == "First"


async def test_followup_before_acknowledgement_is_rejected(scene: Scene) -> None:
    await run_slash(scene, "eager")

    await scene.fake.wait_until(lambda: bool(scene.fake.rejections))

    assert scene.fake.rejections[0].code == 10015


async def test_oversized_embed_is_rejected(scene: Scene) -> None:
    await run_slash(scene, "huge")

    await scene.fake.wait_until(lambda: bool(scene.fake.rejections))

    rejection = scene.fake.rejections[0]
    assert rejection.code == 50035
    assert rejection.errors is not None
    assert "description" in rejection.errors["data"]["embeds"]["0"]


async def test_dm_to_a_user_who_refuses_dms_is_forbidden(scene: Scene) -> None:
    refuser = scene.fake.add_member(scene.guild, "private", accepts_dms=False)
    channel = await scene.bot.create_dm(discord.Object(refuser.id))

    with pytest.raises(discord.Forbidden) as raised:
        await channel.send("hello")

    assert raised.value.code == 50007


async def test_unknown_routes_are_recorded(scene: Scene) -> None:
    with pytest.raises(discord.NotFound):
        await scene.bot.fetch_guild_preview(scene.guild.id)

    assert [r.path for r in scene.fake.unknown_routes] == [f"/guilds/{scene.guild.id}/preview"]


async def test_a_guild_is_fetched_by_rest_without_members(scene: Scene) -> None:
    guild = await scene.bot.fetch_guild(scene.guild.id)
    assert (guild.id, guild.owner_id) == (scene.guild.id, scene.guild.owner_id)


# -- gateway -------------------------------------------------------------------------------


async def test_reconnect_resumes_and_the_bot_keeps_working(scene: Scene) -> None:
    await scene.fake.request_reconnect()
    await scene.fake.wait_for_resume()

    reply = await (await run_slash(scene, "echo", {"text": "still here"})).wait_reply()

    assert reply.content == "still here"
    assert len(scene.fake.gateway.frames_received(Op.IDENTIFY)) == 1


async def test_manage_server_commands_are_hidden_from_other_members(scene: Scene) -> None:
    admin = scene.fake.add_member(scene.guild, "admin", permissions=Perm.MANAGE_GUILD)

    assert scene.fake.command_allowed(scene.guild.id, admin.id, "settings")
    assert not scene.fake.command_allowed(scene.guild.id, scene.member.id, "settings")


# -- limits, checked without a bot ---------------------------------------------------------


def api_error_code(check: Callable[[], None]) -> int:
    with pytest.raises(ApiError) as raised:
        check()
    return raised.value.code


def test_content_over_2000_characters_is_invalid() -> None:
    assert api_error_code(lambda: check_message_limits({"content": "가" * 2001})) == 50035


def test_content_of_2000_characters_is_valid() -> None:
    check_message_limits({"content": "가" * 2000})


def test_more_than_25_fields_are_invalid() -> None:
    fields = [{"name": f"n{i}", "value": "v"} for i in range(26)]

    assert api_error_code(lambda: check_message_limits({"embeds": [{"fields": fields}]})) == 50035


def test_embeds_over_6000_characters_together_are_invalid() -> None:
    embeds = [{"description": "x" * 3001}, {"description": "y" * 3000}]

    assert api_error_code(lambda: check_message_limits({"embeds": embeds})) == 50035


def test_more_than_10_embeds_are_invalid() -> None:
    embeds = [{"title": "t"} for _ in range(11)]

    assert api_error_code(lambda: check_message_limits({"embeds": embeds})) == 50035


def test_empty_field_value_is_invalid() -> None:
    embed = {"fields": [{"name": "Companies", "value": ""}]}

    assert api_error_code(lambda: check_message_limits({"embeds": [embed]})) == 50035


def test_whitespace_only_message_is_empty() -> None:
    assert api_error_code(lambda: check_not_empty({"content": "  \n"})) == 50006


def test_more_than_25_autocomplete_choices_are_invalid() -> None:
    choices = [{"name": f"c{i}", "value": f"c{i}"} for i in range(26)]

    assert api_error_code(lambda: check_choices({"choices": choices})) == 50035


def test_command_description_localisation_over_100_characters_is_invalid() -> None:
    command = {
        "name": "company",
        "description": "Look a company up.",
        "description_localizations": {"ko": "회" * 101},
    }

    assert api_error_code(lambda: check_commands([command])) == 50035


def test_a_guild_can_be_given_the_id_a_database_already_uses() -> None:
    fake = FakeDiscord()
    guild = fake.add_guild("archive", guild_id=1)
    assert guild.id == 1
    with pytest.raises(ValueError):
        fake.add_guild("again", guild_id=1)
