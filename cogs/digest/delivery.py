"""The weekly digest on Discord: the outlet that sends and finds its messages, and the notices
that tell a server's admins what to fix. Used by /digest post and by the scheduler, whose
requests take their slots from the RequestPacer shared with alerts and channel posts."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import discord
from news.core.models import Digest, GuildSettings
from news.core.text import truncate
from news.digest.ports import PartFooter
from news.digest.posts import DigestPart, DigestUndeliverable, FailureReason
from news.digest.service import DigestService, Outcome, PublishResult

from cogs.alerts.delivery import RequestPacer
from cogs.common.embeds import NO_MENTIONS, digest_messages
from cogs.common.i18n import text
from cogs.common.planned import find_planned

log = logging.getLogger(__name__)

# How far back a part in doubt is looked for: a digest is a handful of messages, and only
# the messages posted since the crash can stand between it and now.
HISTORY_LIMIT = 50
THREAD_NAME_LIMIT = 100
_FAILURE_KEYS = {
    FailureReason.CHANNEL_MISSING: "digest_channel_missing",
    FailureReason.FORBIDDEN: "digest_forbidden",
}

Message = list[discord.Embed]


class DiscordDigestOutlet:
    """news.digest.service.DigestOutlet on a discord.py client: one message per part, sent
    one at a time (discord.py waits out rate limits), with every mention disabled. Given a
    ``pacer``, each request first takes a slot from it: the bot's one global budget."""

    def __init__(self, client: discord.Client, pacer: RequestPacer | None = None) -> None:
        self._client = client
        self._pacer = pacer

    def render(self, digest: Digest, settings: GuildSettings, footer: PartFooter) -> list[Message]:
        return digest_messages(digest, settings, part_footer=footer)

    async def find_part(self, channel_id: int, part: DigestPart) -> int | None:
        channel = await self._channel(channel_id)
        await self._slot()
        with _refusals_explained():
            return await find_planned(
                self._client, channel, nonce=part.nonce, marker=part.marker, limit=HISTORY_LIMIT
            )

    async def send_part(self, channel_id: int, message: Message, nonce: str) -> int:
        channel = await self._channel(channel_id)
        await self._slot()
        with _refusals_explained():
            # discord.py sends enforce_nonce with every nonce: Discord drops a repeat.
            sent = await channel.send(embeds=message, nonce=nonce, allowed_mentions=NO_MENTIONS)
        return sent.id

    async def open_thread(self, channel_id: int, message_id: int, name: str) -> None:
        try:
            channel = await self._channel(channel_id)
            await self._slot()
            await channel.get_partial_message(message_id).create_thread(
                name=truncate(name, THREAD_NAME_LIMIT)
            )
        except (discord.HTTPException, DigestUndeliverable):
            # The digest is out; a missing thread is not worth failing it for.
            log.warning("no digest thread: channel=%s message=%s", channel_id, message_id)

    async def _slot(self) -> None:
        if self._pacer is not None:
            await self._pacer.slot()

    async def _channel(self, channel_id: int) -> discord.TextChannel:
        channel = self._client.get_channel(channel_id)
        if channel is None:
            await self._slot()
            with _refusals_explained():
                channel = await self._client.fetch_channel(channel_id)
        if not isinstance(channel, discord.TextChannel):
            raise DigestUndeliverable(FailureReason.CHANNEL_MISSING, "not a text channel")
        return channel


@contextmanager
def _refusals_explained() -> Iterator[None]:
    """404 and 403 become refusals the admins can fix; anything else (an outage) stays as it
    is, and the post is resumed at its next attempt. discord.py waits out rate limits."""
    try:
        yield
    except discord.NotFound as error:
        raise DigestUndeliverable(FailureReason.CHANNEL_MISSING, error.text) from error
    except discord.Forbidden as error:
        raise DigestUndeliverable(FailureReason.FORBIDDEN, error.text) from error


class DigestDelivery:
    """Posts digests through Discord and tells the admins when they must act."""

    def __init__(
        self, client: discord.Client, service: DigestService, pacer: RequestPacer | None = None
    ) -> None:
        self._client = client
        self._service = service
        self._outlet = DiscordDigestOutlet(client, pacer)

    async def post(
        self, guild_id: int, *, week: str | None = None, force: bool = False, notify: bool = True
    ) -> PublishResult:
        """Post a week's digest unless posted; ``notify`` tells the admins of a failure."""
        result = await self._service.publish(guild_id, self._outlet, week=week, force=force)
        if notify:
            await self.report(result)
        return result

    async def scheduled(
        self, guild_id: int, scheduled_at: datetime, *, grace: timedelta
    ) -> PublishResult | None:
        """The post due at ``scheduled_at`` (see DigestService.catch_up); admins told of a
        failure or a miss."""
        result = await self._service.catch_up(guild_id, scheduled_at, self._outlet, grace=grace)
        if result is not None:
            await self.report(result, scheduled_at=scheduled_at)
        return result

    async def resume_interrupted(self) -> list[PublishResult]:
        results = await self._service.resume_interrupted(self._outlet)
        for result in results:
            await self.report(result)
        return results

    async def report(self, result: PublishResult, *, scheduled_at: datetime | None = None) -> None:
        """Tell the admins of a failed or missed post; log the rest."""
        post = result.post
        log.info("digest %s: guild=%s week=%s", result.outcome, post.guild_id, post.week)
        settings = await self._service.settings(post.guild_id)
        notice = _notice(result, settings, scheduled_at)
        if notice is not None:
            await tell_admins(self._client, settings, notice)


def failure_text(language: str, result: PublishResult) -> str:
    """What went wrong with a post and how to fix it, in ``language``."""
    key = _FAILURE_KEYS[result.failure or FailureReason.FORBIDDEN]
    return text(language, key, week=result.post.week, channel=f"<#{result.post.channel_id}>")


def _notice(
    result: PublishResult, settings: GuildSettings, scheduled_at: datetime | None
) -> str | None:
    language = settings.language
    if result.outcome is Outcome.FAILED:
        return failure_text(language, result)
    if result.outcome is Outcome.MISSED:
        when = discord.utils.format_dt(scheduled_at, "F") if scheduled_at else result.post.week
        return text(language, "digest_missed", week=result.post.week, when=when)
    return None


async def tell_admins(client: discord.Client, settings: GuildSettings, notice: str) -> bool:
    """Post ``notice`` in the alert channel when there is one and it works, else DM the
    owner. False when neither could be reached (logged: nothing else is left to try)."""
    alert_channel = settings.alert_channel_id
    if alert_channel is not None and await _post_in_channel(client, alert_channel, notice):
        return True
    owner_id = await _owner_of(client, settings.guild_id)
    if owner_id is not None and await _send_dm(client, owner_id, notice):
        return True
    log.warning("could not tell the admins of guild=%s", settings.guild_id)
    return False


async def _owner_of(client: discord.Client, guild_id: int) -> int | None:
    """The guild's owner: from the cache when this process has the guild's shard, else by
    REST (another process's shard, or a job that runs before the guild arrived)."""
    guild = client.get_guild(guild_id)
    if guild is not None:
        return guild.owner_id
    try:
        return (await client.fetch_guild(guild_id, with_counts=False)).owner_id
    except discord.HTTPException:
        log.warning("guild not found by REST: guild=%s", guild_id)
        return None


async def _post_in_channel(client: discord.Client, channel_id: int, notice: str) -> bool:
    try:
        channel = client.get_channel(channel_id) or await client.fetch_channel(channel_id)
        if not isinstance(channel, discord.TextChannel):
            return False
        await channel.send(notice, allowed_mentions=NO_MENTIONS)
    except discord.HTTPException:
        log.warning("alert channel refused a notice: channel=%s", channel_id)
        return False
    return True


async def _send_dm(client: discord.Client, user_id: int | None, notice: str) -> bool:
    if user_id is None:
        return False
    try:
        channel = await client.create_dm(discord.Object(user_id))
        await channel.send(notice, allowed_mentions=NO_MENTIONS)
    except discord.HTTPException:
        # 50007: the owner refuses DMs from server members; nothing to crash over.
        log.warning("owner refused a DM notice: user=%s", user_id)
        return False
    return True
