"""The weekly digest as a use case: build it, and post it exactly once per server and week.

Exactly once, whatever happens to the process:

1. The post's record (one per server and week) is read first: a posted week is never posted
   again unless forced, which makes a new *edition* with markers of its own.
2. Before part *i* is sent, its nonce and marker are committed; once Discord returned the
   message id, the id is committed in a transaction of its own.
3. A part with a nonce and no id is in doubt: the process died between sending and
   recording. Before it is sent again, the outlet looks for it in the channel's recent
   messages (by the nonce Discord echoes for a few minutes, and by the marker in the footer,
   which holds for good). Found, it is recorded; not found, it is sent again with the same
   nonce (Discord drops a duplicate nonce for a few minutes on its own).
4. Parts already recorded are skipped, so a half-posted digest resumes at its first unsent part.

Posting one server is serialised by a guard: an asyncio lock in one process, and, when the
bot runs as several processes, the server's ``digest`` lease (news.core.leases), so the
schedule, the start-up catch-up and /digest post never send the same part twice, whichever
process they run in.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from news.archive.ports import RoundupRepository
from news.catalog.ports import TopicRepository
from news.catalog.relevance import Strictness
from news.core.errors import InvalidInput
from news.core.leases import LeaseBusy
from news.core.models import Digest, DigestCandidate, GuildSettings, RoundupKind
from news.core.weeks import parse_week
from news.digest.compile import DigestLimits, compile_digest, digest_from_week
from news.digest.ports import DigestOutlet, DigestRepository, MessageT, SettingsRepository
from news.digest.posts import (
    DigestOptions,
    DigestPart,
    DigestPost,
    DigestUndeliverable,
    FailureReason,
    OptionPart,
    PostState,
    covered_week,
    part_marker,
)
from news.stories.service import StoryService

MAX_DIGEST_SIZE = 10


class Outcome(StrEnum):
    POSTED = "posted"  # this attempt sent (or found) every part
    ALREADY_POSTED = "already_posted"  # nothing to do: the week was posted before
    FAILED = "failed"  # Discord refused; the admins must fix something
    MISSED = "missed"  # the scheduled time is too long ago: recorded, not posted


@dataclass(frozen=True, slots=True)
class PublishResult:
    outcome: Outcome
    post: DigestPost
    sent: int = 0  # messages sent by this attempt
    failure: FailureReason | None = None


class DigestService:
    """Builds a server's weekly digest and posts it through an outlet, exactly once."""

    def __init__(
        self,
        settings: SettingsRepository,
        archive: RoundupRepository,
        topics: TopicRepository,
        digests: DigestRepository,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        nonces: Callable[[], str] = lambda: secrets.token_hex(8),
        stories: StoryService | None = None,
        guard: Callable[[int], AbstractAsyncContextManager[None]] | None = None,
    ) -> None:
        self._settings = settings
        self._archive = archive
        self._topics = topics
        self._digests = digests
        self._clock = clock
        self._nonces = nonces  # Discord accepts nonces of up to 25 characters
        self._locks: dict[int, asyncio.Lock] = {}
        self._stories = stories
        # Who may post a server now: by default this process's lock for it.
        self._guard = guard or self._local_guard

    # --- reading -------------------------------------------------------------------------

    async def settings(self, guild_id: int) -> GuildSettings:
        return await self._settings.get_settings(guild_id) or GuildSettings(guild_id)

    async def options(self, guild_id: int) -> DigestOptions:
        return await self._digests.digest_options(guild_id)

    async def scheduled_guilds(self) -> list[GuildSettings]:
        return await self._digests.scheduled_guilds()

    def week_to_post(self, settings: GuildSettings, week: str | None = None) -> str:
        """``week`` normalised, or the week a post made now would cover (see covered_week)."""
        if week:
            return parse_week(week)
        return covered_week(self._clock().astimezone(ZoneInfo(settings.timezone)))

    async def digest(self, guild_id: int, week: str | None = None) -> Digest:
        """The week's digest: its imported roundups, then the stories none of them carry."""
        settings = await self.settings(guild_id)
        return await self._build(settings, self.week_to_post(settings, week))

    async def _build(self, settings: GuildSettings, week: str) -> Digest:
        options = await self.options(settings.guild_id)
        limits = DigestLimits(max_sections=options.max_sections, max_items=options.max_items)
        roundups = [
            roundup
            for roundup in await self._archive.roundups_for_week(settings.guild_id, week)
            if roundup.kind is RoundupKind.IMPORTED
        ]
        if self._stories:
            # Feed items are placed as they arrive; imported ones are placed here, so that an
            # import stays fast and the compile below only adds up stored stories.
            await self._stories.place_new([week])
        candidates = await self._digests.week_candidates(settings.guild_id, week)
        # The server's strictness drops feed stories a tech reader does not want; what an
        # editor put in an imported roundup stays.
        candidates = keep_relevant(candidates, options.relevance)
        topics = await self._topics.all_topics()
        if roundups:
            return digest_from_week(
                roundups,
                candidates,
                guild_id=settings.guild_id,
                week=week,
                language=settings.language,
                topics=topics,
                limits=limits,
                now=self._clock(),
            )
        return compile_digest(
            candidates,
            guild_id=settings.guild_id,
            week=week,
            language=settings.language,
            topics=topics,
            limits=limits,
            now=self._clock(),
        )

    # --- settings ------------------------------------------------------------------------

    async def configure(
        self,
        guild_id: int,
        *,
        thread: bool | None = None,
        max_sections: int | None = None,
        max_items: int | None = None,
        relevance: str | None = None,
    ) -> DigestOptions:
        """Change the digest's size, its thread or how tech its stories must be;
        InvalidInput before /setup digest."""
        if not _size_fits(max_sections):
            raise InvalidInput("digest.sections_out_of_range", limit=MAX_DIGEST_SIZE)
        if not _size_fits(max_items):
            raise InvalidInput("digest.items_out_of_range", limit=MAX_DIGEST_SIZE)
        current = await self.options(guild_id)
        updated = replace(
            current,
            thread=current.thread if thread is None else thread,
            max_sections=current.max_sections if max_sections is None else max_sections,
            max_items=current.max_items if max_items is None else max_items,
            relevance=current.relevance if relevance is None else _strictness(relevance),
        )
        given = {
            OptionPart.THREAD: thread,
            OptionPart.SECTIONS: max_sections,
            OptionPart.ITEMS: max_items,
            OptionPart.RELEVANCE: relevance,
        }
        parts = [part for part, value in given.items() if value is not None]
        if not await self._digests.save_digest_options(guild_id, updated, parts):
            raise _not_configured()
        return updated

    async def schedule_changed(self, guild_id: int) -> None:
        """Remember when the schedule was set: no post before it can have been missed."""
        options = DigestOptions(scheduled_since=self._clock())
        await self._digests.save_digest_options(guild_id, options, {OptionPart.SCHEDULE})

    # --- posting -------------------------------------------------------------------------

    async def publish(
        self,
        guild_id: int,
        outlet: DigestOutlet[MessageT],
        *,
        week: str | None = None,
        force: bool = False,
    ) -> PublishResult:
        """Post the week's digest (default: the week a post made now covers) unless it was
        posted already; ``force`` posts a new copy. Resumes a half-posted digest."""
        async with self._lock(guild_id):
            return await self._publish(guild_id, outlet, week, force=force)

    async def catch_up(
        self,
        guild_id: int,
        scheduled_at: datetime,
        outlet: DigestOutlet[MessageT],
        *,
        grace: timedelta,
    ) -> PublishResult | None:
        """At start-up, for the latest scheduled time at or before now: post the week it
        covers when that time is within ``grace``, or resume its unfinished post; record it
        as missed when it is older. None when there is nothing to do."""
        async with self._lock(guild_id):
            settings = await self.settings(guild_id)
            week = covered_week(scheduled_at.astimezone(ZoneInfo(settings.timezone)))
            since = (await self.options(guild_id)).scheduled_since
            post = await self._digests.get_post(guild_id, week)
            if (since is not None and scheduled_at < since) or (
                post is not None and post.state in {PostState.POSTED, PostState.MISSED}
            ):
                return None
            if post is None and self._clock() - scheduled_at > grace:
                return PublishResult(Outcome.MISSED, await self._record_missed(settings, week))
            return await self._publish(guild_id, outlet, week, force=False)

    async def resume_interrupted(self, outlet: DigestOutlet[MessageT]) -> list[PublishResult]:
        """Finish every post a previous run left half-way (pending or posting)."""
        posts = await self._digests.unfinished_posts()
        interrupted = [p for p in posts if p.state in {PostState.PENDING, PostState.POSTING}]
        results = []
        for post in interrupted:
            try:
                async with self._lock(post.guild_id):
                    results.append(
                        await self._publish(post.guild_id, outlet, post.week, force=False)
                    )
            except LeaseBusy:
                continue  # another process is posting it right now
        return results

    async def _publish(
        self, guild_id: int, outlet: DigestOutlet[MessageT], week: str | None, *, force: bool
    ) -> PublishResult:
        settings = await self.settings(guild_id)
        if settings.digest_channel_id is None:
            raise _not_configured()
        week = self.week_to_post(settings, week)
        post = await self._digests.get_post(guild_id, week)
        if post is not None and post.state is PostState.POSTED and not force:
            return PublishResult(Outcome.ALREADY_POSTED, post)
        post = self._open(post, settings, week, settings.digest_channel_id)
        edition = post.edition
        digest = await self._build(settings, week)
        messages = outlet.render(
            digest, settings, lambda index, total: part_marker(week, edition, index, total)
        )
        post = await self._save(replace(post, part_count=len(messages)))
        try:
            sent = await self._deliver(post, messages, outlet)
        except DigestUndeliverable as refusal:
            failed = await self._save(
                replace(post, state=PostState.FAILED, last_error=str(refusal))
            )
            return PublishResult(Outcome.FAILED, failed, failure=refusal.reason)
        await self._save(replace(post, state=PostState.POSTED, last_error=None))
        posted = await self._digests.get_post(guild_id, week)
        assert posted is not None  # saved just above
        await self._open_thread(posted, outlet, sent, digest.title)
        return PublishResult(Outcome.POSTED, posted, sent=len(sent))

    def _open(
        self, post: DigestPost | None, settings: GuildSettings, week: str, channel_id: int
    ) -> DigestPost:
        """The record this attempt posts under: new, resumed, or a new edition when forced
        or when the channel changed after some parts went out (a post lives in one channel)."""
        now = self._clock()
        if post is None:
            return DigestPost(
                guild_id=settings.guild_id,
                week=week,
                state=PostState.POSTING,
                channel_id=channel_id,
                edition=1,
                part_count=0,
                created_at=now,
                updated_at=now,
            )
        sent_elsewhere = post.channel_id != channel_id and any(p.sent for p in post.parts)
        if post.state is PostState.POSTED or sent_elsewhere:
            return replace(
                post,
                state=PostState.POSTING,
                channel_id=channel_id,
                edition=post.edition + 1,
                parts=(),
                last_error=None,
            )
        return replace(post, state=PostState.POSTING, channel_id=channel_id)

    async def _deliver(
        self, post: DigestPost, messages: Sequence[MessageT], outlet: DigestOutlet[MessageT]
    ) -> dict[int, int]:
        """Send the parts not recorded yet, in order, one at a time; {index: message id} of
        those sent by this attempt."""
        channel_id = post.channel_id
        assert channel_id is not None  # _open always sets it
        sent: dict[int, int] = {}
        for index, message in enumerate(messages):
            known = post.part(index)
            if known is not None and known.sent:
                continue
            if known is not None and (found := await outlet.find_part(channel_id, known)):
                await self._digests.record_part(post, index, found)
                continue
            # A part in doubt keeps its nonce (Discord drops the repeat) and takes the marker
            # of this rendering, so that the marker on record is the one last sent.
            nonce = known.nonce if known is not None else self._nonces()
            marker = part_marker(post.week, post.edition, index, len(messages))
            await self._digests.plan_part(post, DigestPart(index, nonce, marker))
            message_id = await outlet.send_part(channel_id, message, nonce)
            await self._digests.record_part(post, index, message_id)
            sent[index] = message_id
        return sent

    async def _open_thread(
        self, post: DigestPost, outlet: DigestOutlet[MessageT], sent: dict[int, int], name: str
    ) -> None:
        # Only when this attempt sent the first message: a resumed post already had its chance.
        if 0 in sent and post.channel_id is not None and (await self.options(post.guild_id)).thread:
            await outlet.open_thread(post.channel_id, sent[0], name)

    async def _record_missed(self, settings: GuildSettings, week: str) -> DigestPost:
        now = self._clock()
        missed = DigestPost(
            guild_id=settings.guild_id,
            week=week,
            state=PostState.MISSED,
            channel_id=settings.digest_channel_id,
            edition=1,
            part_count=0,
            created_at=now,
            updated_at=now,
        )
        await self._digests.save_post(missed)
        return missed

    async def _save(self, post: DigestPost) -> DigestPost:
        saved = replace(post, updated_at=self._clock())
        await self._digests.save_post(saved)
        return saved

    def _lock(self, guild_id: int) -> AbstractAsyncContextManager[None]:
        return self._guard(guild_id)

    @asynccontextmanager
    async def _local_guard(self, guild_id: int) -> AsyncIterator[None]:
        async with self._locks.setdefault(guild_id, asyncio.Lock()):
            yield


def _size_fits(value: int | None) -> bool:
    """A size left out keeps the current one; a size given must be 1 to MAX_DIGEST_SIZE."""
    return value is None or 1 <= value <= MAX_DIGEST_SIZE


def _not_configured() -> InvalidInput:
    return InvalidInput("digest.not_configured")


def keep_relevant(
    candidates: Sequence[DigestCandidate], strictness: Strictness
) -> list[DigestCandidate]:
    """The candidates a tech reader wants at the server's strictness: relevance was scored
    at ingest (news.catalog.relevance), so this is one comparison per headline."""
    threshold = strictness.threshold
    return [c for c in candidates if c.relevance >= threshold]


def _strictness(value: str) -> Strictness:
    try:
        return Strictness(value.strip().lower())
    except ValueError:
        raise InvalidInput("digest.bad_relevance") from None
