"""What the services need from storage. db/ implements these; tests may fake them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from news.alerts.models import (
    AlertBatch,
    AlertPrefs,
    AlertQueue,
    ArrivedHeadline,
    Delivery,
    NewSubscription,
    PendingAlert,
    QueuedAlert,
    Subscription,
)
from news.core.models import (
    Company,
    CompanyActivity,
    CompanySpec,
    DigestCandidate,
    GuildSettings,
    HeadlinePage,
    HeadlineQuery,
    NewHeadline,
    NewRoundup,
    Roundup,
    Topic,
    TopicSpec,
    WeekSummary,
)
from news.digest.posts import DigestOptions, DigestPart, DigestPost
from news.feeds.parse import FetchResult
from news.feeds.sources import FeedSource, GuildFeed


class CompanyRepository(Protocol):
    async def all_companies(self) -> list[Company]: ...

    async def upsert_companies(self, specs: Sequence[CompanySpec]) -> None:
        """Insert or extend companies by canonical name (aliases are merged, never dropped)."""

    async def add_company(self, spec: CompanySpec) -> Company:
        """Create a company; raises InvalidInput when the name or an alias is taken."""

    async def add_alias(self, company_id: int, alias: str) -> Company:
        """Raises InvalidInput when the alias already names another company."""


class TopicRepository(Protocol):
    async def all_topics(self) -> list[Topic]: ...

    async def upsert_topics(self, specs: Sequence[TopicSpec]) -> None: ...


class ArchiveRepository(Protocol):
    async def save_roundup(
        self, roundup: NewRoundup, *, alert: bool = True
    ) -> tuple[Roundup, bool]:
        """Store a roundup in one transaction; returns it and whether it replaced one. With
        ``alert``, its headlines new to the archive wait for the alert matcher."""

    async def roundup_for_week(self, guild_id: int, week: str) -> Roundup | None: ...

    async def latest_week(self, guild_id: int) -> str | None: ...

    async def weeks(self, guild_id: int) -> list[WeekSummary]: ...

    async def search_headlines(self, guild_id: int, query: HeadlineQuery) -> HeadlinePage: ...

    async def company_activity(
        self,
        guild_id: int,
        company_id: int,
        weeks: Sequence[str],
        headline_limit: int,
        mention_limit: int,
    ) -> CompanyActivity: ...


class SettingsRepository(Protocol):
    async def get_settings(self, guild_id: int) -> GuildSettings | None: ...

    async def save_settings(self, settings: GuildSettings) -> None: ...


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

    async def save_digest_options(self, guild_id: int, options: DigestOptions) -> bool:
        """False when the guild has no settings row yet (it never ran /setup digest)."""


class Fetcher(Protocol):
    """Fetches a URL from the web for feeds and article imports (bot.fetch.SafeFetcher)."""

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET `url`, redirects followed; a 304 result (not_modified) when the validators
        still hold. Raises news.feeds.parse.FetchError, whose message a user may read."""


class FeedRepository(Protocol):
    """Feed sources, the guilds that follow them, and the stories they bring."""

    async def follow_feed(
        self,
        guild_id: int,
        source: FeedSource,
        *,
        name: str | None,
        added_by: int | None,
        added_at: datetime,
    ) -> tuple[GuildFeed, bool]:
        """Create the source unless its URL is known (then keep its record), and let the guild
        follow it; True when the guild followed it already."""

    async def guild_feeds(self, guild_id: int) -> list[GuildFeed]:
        """The feeds a guild follows, in the order they were added."""

    async def unfollow_feed(self, guild_id: int, source_id: int) -> None:
        """The guild stops following the source; a source nobody follows is deleted with
        its links (its stories stay in the archive for the guilds that see them otherwise)."""

    async def followers(self, source_id: int) -> list[int]: ...

    async def due_feeds(self, now: datetime, limit: int) -> list[FeedSource]:
        """Unpaused feeds someone follows whose next poll is at or before ``now``, most
        overdue first."""

    async def record_poll(self, source: FeedSource) -> None:
        """Save the source's polling state (validators, next poll, failures, pause, title)."""

    async def file_stories(
        self, source_id: int, headlines: Sequence[NewHeadline], *, alert: bool = True
    ) -> tuple[int, int]:
        """File the stories the archive lacks (one headline per canonical URL) and link all of
        them to the source; returns (filed now, linked in all). With ``alert``, the stories
        filed now wait for the alert matcher (not a feed's first, backfill poll)."""


class FeedNotifier(Protocol):
    """Tells a guild's admins about its feeds (the bot posts it on Discord)."""

    async def feed_paused(self, guild_id: int, feed: GuildFeed) -> None: ...


class StoryRepository(Protocol):
    async def placed_headlines(self, week: str) -> list[DigestCandidate]:
        """The week's headlines that have a story, in publication order, with its id."""

    async def unplaced_headlines(self, week: str) -> list[DigestCandidate]:
        """The week's headlines without a story yet, in publication order."""

    async def save_story_ids(self, story_ids: Mapping[int, int]) -> None:
        """Store each headline's story id (headline id -> story id)."""


class AlertRepository(Protocol):
    """Subscriptions, alert preferences, the matcher's inbox and the delivery outbox."""

    async def add_subscription(
        self, new: NewSubscription, *, limit: int, now: datetime
    ) -> tuple[Subscription, bool] | None:
        """(subscription, created); the same key updates the existing one. None when the user
        has ``limit`` subscriptions in the server already."""

    async def subscriptions(self, guild_id: int, user_id: int) -> list[Subscription]: ...

    async def deliverable_subscriptions(self) -> list[Subscription]: ...

    async def remove_subscription(
        self, guild_id: int, user_id: int, subscription_id: int
    ) -> Subscription | None: ...

    async def prefs(self, user_id: int) -> AlertPrefs | None: ...

    async def prefs_of(self, user_ids: Sequence[int]) -> dict[int, AlertPrefs]: ...

    async def save_prefs(self, prefs: AlertPrefs) -> None: ...

    async def stop_dm_alerts(self, prefs: AlertPrefs, guild_id: int) -> None:
        """Mark the user's DM subscriptions in the server undeliverable and save ``prefs``."""

    async def inbox(self, limit: int) -> list[ArrivedHeadline]:
        """The oldest headlines waiting for the matcher."""

    async def queue_alerts(
        self, alerts: Sequence[QueuedAlert], matched: Sequence[int], now: datetime
    ) -> None:
        """Queue alerts (one per user and headline, ever) and empty the matched inbox rows, in
        one transaction."""

    async def waiting_users(self, limit: int) -> list[int]:
        """Users with alerts waiting for a batch, the longest waiting first."""

    async def waiting_alerts(self, user_ids: Sequence[int]) -> list[PendingAlert]:
        """The alerts waiting for these users, oldest first."""

    async def batches_since(self, user_ids: Sequence[int], since: datetime) -> dict[int, int]: ...

    async def plan_batch(self, batch: AlertBatch, now: datetime) -> AlertBatch:
        """Store the batch (nonce, channel) and assign its alerts, before it is sent; a DM
        batch also caches the user's DM channel in their preferences."""

    async def record_sent(self, batch_id: int, message_id: int, now: datetime) -> None: ...

    async def record_failed(self, batch_id: int) -> None: ...

    async def retarget(self, batch_id: int, guild_ids: Sequence[int], delivery: Delivery) -> None:
        """Fail the batch; its alerts of ``guild_ids`` wait again, for ``delivery``."""

    async def batches_in_doubt(self) -> list[AlertBatch]: ...

    async def forget_delivered(self, before: datetime) -> None:
        """Delete delivered alerts of headlines published (and batches sent) before
        ``before``."""

    async def guild_queue(self, guild_id: int) -> AlertQueue: ...
