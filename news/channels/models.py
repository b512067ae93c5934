"""Channel feeds as the domain sees them: how a server's feed posts (channel, filters,
template, webhook), the stories waiting for their message, and the posts that show them.

One post per story and channel: the first report of a story is the post's lead (title, link,
source, time, companies); later reports of the same story from other followed feeds, within
STORY_WINDOW, are added to its "also reported by" line by editing the message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from news.core.errors import RoundupError
from news.core.models import Headline

STORY_WINDOW = timedelta(hours=48)
FIRST_POSTS = 3  # on the first add with a channel, the newest items posted; the rest filed


@dataclass(frozen=True, slots=True)
class ChannelFeed:
    """How one server's feed posts. ``channel_id`` None: it does not (only filed)."""

    guild_id: int
    source_id: int
    channel_id: int | None
    since: datetime  # items that arrived before are only filed
    include: str = ""
    exclude: str = ""
    template: str | None = None
    webhook: bool = False
    broken: str | None = None  # why the channel refused a post; nothing is queued meanwhile
    broken_told: bool = False
    webhook_told: bool = False  # the admins heard that the webhook could not be made

    @property
    def posting(self) -> bool:
        return self.channel_id is not None and self.broken is None


class ChannelPart(StrEnum):
    """The parts of a ChannelFeed that are written apart. An admin's change writes only its
    own part, so it neither clears a refusal the poster recorded after the admin's command
    read the settings, nor undoes another admin's change made at the same time."""

    CHANNEL = "channel"  # where it posts, from when, and whether that channel refused
    FILTER = "filter"
    FORMAT = "format"
    WEBHOOK = "webhook"


class PostState(StrEnum):
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    GONE = "gone"


class Via(StrEnum):
    BOT = "bot"
    WEBHOOK = "webhook"


@dataclass(frozen=True, slots=True)
class ArrivedReport:
    """A story a feed brought for the first time, as the channel matcher sees it."""

    source_id: int
    headline_id: int
    text: str  # title and summary
    company_ids: tuple[int, ...]
    topic_ids: tuple[int, ...]
    queued_at: datetime


@dataclass(frozen=True, slots=True)
class QueuedReport:
    guild_id: int
    source_id: int
    headline_id: int
    channel_id: int


@dataclass(frozen=True, slots=True)
class WaitingReport(QueuedReport):
    story_id: int  # the headline's story; its own id when it was placed in none
    queued_at: datetime


@dataclass(frozen=True, slots=True)
class Report:
    """One outlet's report shown in a post."""

    source_id: int
    headline: Headline
    outlet: str  # the feed's name in the server, else its title
    icon_url: str | None
    shown: bool


@dataclass(frozen=True, slots=True)
class NewPost:
    guild_id: int
    channel_id: int
    story_id: int
    nonce: str
    template: str | None
    via: Via
    language: str


@dataclass(frozen=True, slots=True)
class ChannelPost(NewPost):
    id: int = 0
    state: PostState = PostState.SENDING
    message_id: int | None = None
    webhook_id: int | None = None
    created_at: datetime | None = None
    reports: tuple[Report, ...] = field(default_factory=tuple)  # the lead first

    @property
    def marker(self) -> str:
        """Stays in an embed post's footer for good: how a post in doubt is found after
        Discord forgot its nonce."""
        return f"feed post #{self.id}"

    @property
    def lead(self) -> Report:
        return self.reports[0]

    @property
    def also_reported_by(self) -> tuple[str, ...]:
        """The other outlets of the story, each once, in the order they reported it."""
        seen = {self.lead.outlet}
        outlets: list[str] = []
        for report in self.reports[1:]:
            if report.outlet not in seen:
                seen.add(report.outlet)
                outlets.append(report.outlet)
        return tuple(outlets)


@dataclass(frozen=True, slots=True)
class BrokenFeed:
    """A server's feed whose channel refused a post (for /status and the admins' notice)."""

    guild_id: int
    source_id: int
    label: str
    channel_id: int
    reason: str


class PostRefused(RoundupError):
    """The channel refused the post for good (missing access or permissions, deleted)."""

    def __init__(self, reason: str) -> None:
        super().__init__("channels.refused", reason=reason)
        self.reason = reason


class PostGone(RoundupError):
    """The message to edit was deleted."""

    def __init__(self) -> None:
        super().__init__("channels.post_gone")


class WebhookRefused(RoundupError):
    """The channel's webhook could not be made or used (no Manage Webhooks)."""

    def __init__(self, reason: str) -> None:
        super().__init__("channels.webhook_refused", reason=reason)
        self.reason = reason


@dataclass(slots=True)
class ChannelReport:
    """What one delivery pass did."""

    sent: int = 0
    edited: int = 0
    failed: int = 0
    reposted: int = 0  # posts whose message was deleted, posted again
    broken: list[BrokenFeed] = field(default_factory=list)  # to tell the admins, once
    webhook_refused: list[tuple[int, int]] = field(default_factory=list)  # (guild, source)
