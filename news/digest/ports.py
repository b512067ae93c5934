"""What the digest needs from outside: each server's settings, the record of its posts (db/
implements these) and an outlet to post through (the Discord adapter implements it)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from typing import Protocol, TypeVar

from news.core.models import EVERY_SETTING, Digest, DigestCandidate, GuildSettings, SettingsPart
from news.digest.posts import DigestOptions, DigestPart, DigestPost, OptionPart

MessageT = TypeVar("MessageT")
PartFooter = Callable[[int, int], str]


class SettingsRepository(Protocol):
    async def get_settings(self, guild_id: int) -> GuildSettings | None: ...

    async def save_settings(
        self, settings: GuildSettings, parts: Collection[SettingsPart] = EVERY_SETTING
    ) -> None:
        """Write ``parts`` of the settings (all unless told); the others stay as stored."""


class DigestRepository(Protocol):
    """The record of weekly posts, the week's candidates and each server's digest options."""

    async def week_candidates(self, guild_id: int, week: str) -> list[DigestCandidate]:
        """The week's headlines the guild can see, each with the outlet that ran it."""

    async def get_post(self, guild_id: int, week: str) -> DigestPost | None:
        """The post with the parts of its current edition."""

    async def save_post(self, post: DigestPost) -> None:
        """Create or update the post's own row (not its parts)."""

    async def plan_part(self, post: DigestPost, part: DigestPart) -> None:
        """Persist a part's nonce and marker before it is sent, in its own transaction."""

    async def record_part(self, post: DigestPost, index: int, message_id: int) -> None:
        """Persist the message id Discord returned for a part, in its own transaction."""

    async def unfinished_posts(self) -> list[DigestPost]:
        """Posts pending, posting or failed: those to resume at start-up."""

    async def scheduled_guilds(self) -> list[GuildSettings]:
        """Every guild with a digest channel."""

    async def digest_options(self, guild_id: int) -> DigestOptions: ...

    async def save_digest_options(
        self, guild_id: int, options: DigestOptions, parts: Collection[OptionPart]
    ) -> bool:
        """Write ``parts`` of ``options``; the others stay as stored. False when the guild has
        no settings row yet (it never ran /setup digest)."""


class DigestOutlet(Protocol[MessageT]):
    """Where a post's messages go: a Discord channel, behind the Discord adapter."""

    def render(
        self, digest: Digest, settings: GuildSettings, footer: PartFooter
    ) -> Sequence[MessageT]:
        """The digest as messages; ``footer(index, total)`` is each message's marker."""

    async def find_part(self, channel_id: int, part: DigestPart) -> int | None:
        """The id of a recent message in the channel with the part's nonce or marker."""

    async def send_part(self, channel_id: int, message: MessageT, nonce: str) -> int:
        """Send one message with ``nonce``; its id. DigestUndeliverable when Discord refuses
        for a reason the admins must fix."""

    async def open_thread(self, channel_id: int, message_id: int, name: str) -> None:
        """A discussion thread under the message (best effort)."""


class DigestScheduleRepository(Protocol):
    """Each server's next digest time (db/digest_schedule.py): the rows decide what is due."""

    async def due(self, now: datetime, limit: int) -> list[tuple[int, datetime]]:
        """(guild id, scheduled time) of the digests due at ``now``, earliest first."""

    async def earliest(self) -> datetime | None: ...

    async def next_at(self, guild_id: int) -> datetime | None: ...

    async def set_next(self, guild_id: int, at: datetime | None) -> None: ...

    async def add_missing(self, rows: list[tuple[int, datetime]]) -> None: ...

    async def advance(self, guild_id: int, done: datetime, following: datetime | None) -> None:
        """Move the row from ``done`` (just handled) to ``following``; None removes it."""
