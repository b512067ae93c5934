"""Use cases of topic alerts: subscribe and manage them, match new headlines, deliver batches.

Exactly once, across crashes:
1. A headline stored by a feed poll (not a first, backfill one) or an import enters the
   matcher's inbox in the transaction that stores it.
2. The matcher turns inbox rows into outbox rows (one per user and headline, never two) and
   empties the inbox rows in one transaction.
3. Per user, waiting outbox rows are assigned to a batch with a fresh nonce, committed, then
   sent with that nonce (Discord drops a repeat for a few minutes), and the message id is
   recorded. A batch still 'sending' at the next pass is in doubt: it is looked for in its
   channel (by nonce, then by the marker in its footer) and only sent when not found.

Nothing here sleeps or knows Discord: the sender is injected and paces itself.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from news.alerts.matching import AlertMatcher
from news.alerts.models import (
    AlertBatch,
    AlertPrefs,
    AlertQueue,
    AlertUndeliverable,
    Delivery,
    NewSubscription,
    Notice,
    PendingAlert,
    PrefsField,
    QueuedAlert,
    QuietHours,
    Subscription,
    SubscriptionKind,
    UndeliverableReason,
    parse_clock,
    parse_keyword,
)
from news.alerts.ports import AlertRepository, AlertSender
from news.archive.service import ArchiveService
from news.core.errors import InvalidInput, NotFound
from news.core.models import MAX_ALERT_AGE
from news.digest.guild_settings import require_timezone
from news.digest.ports import SettingsRepository

log = logging.getLogger(__name__)

DEFAULT_SUBSCRIPTION_LIMIT = 25
DEFAULT_HOURLY_CAP = 6  # messages per user per hour; more alerts wait for the next one
MAX_PAUSE_HOURS = 24 * 30
# After a DM is refused, alerts go straight to the alert channel for a day before DMs are
# tried again: every refused request counts towards Discord's invalid-request ban.
DM_REFUSAL_MEMORY = timedelta(days=1)
MATCH_BATCH = 1000  # inbox headlines matched per transaction
WAITING_USERS_LIMIT = 50_000  # users with waiting alerts considered per delivery pass
USERS_PER_READ = 100  # whose waiting alerts are read from the database at once
# Batches in flight at once. The sender paces the requests; enough batches must be waiting
# for a slot that the database work of the others never leaves one unused.
DELIVERY_CONCURRENCY = 16
# A day more than the matcher's window, so that no clock skew can bring a forgotten one back.
FORGET_MARGIN = timedelta(days=1)
# Paused with no end: far enough to never come, small enough for a Unix timestamp.
FOREVER = datetime(9999, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class SubscribeResult:
    subscription: Subscription
    created: bool  # False when it existed and was updated (delivery, or revived)


@dataclass(slots=True)
class DeliveryReport:
    sent: int = 0  # messages
    alerts: int = 0  # headlines in them
    held: int = 0  # users whose alerts wait (paused, quiet hours, hourly cap)
    failed: int = 0
    # Servers whose alert channel refused a batch: their admins should hear of it.
    broken_channels: set[int] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class _Group:
    user_id: int
    guild_id: int | None  # None for DMs, which gather every server's alerts
    delivery: Delivery
    alerts: tuple[PendingAlert, ...]


class AlertService:
    def __init__(
        self,
        repository: AlertRepository,
        archive: ArchiveService,
        settings: SettingsRepository,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        *,
        subscription_limit: int = DEFAULT_SUBSCRIPTION_LIMIT,
        hourly_cap: int = DEFAULT_HOURLY_CAP,
        nonces: Callable[[], str] = lambda: secrets.token_hex(8),
    ) -> None:
        self._repo = repository
        self._archive = archive
        self._settings = settings
        self._clock = clock
        self._limit = subscription_limit
        self._hourly_cap = hourly_cap
        self._nonces = nonces  # Discord accepts nonces of up to 25 characters
        self._matcher: AlertMatcher | None = None  # rebuilt after any subscription change
        self._match_lock = asyncio.Lock()
        self._delivery_lock = asyncio.Lock()

    # --- subscriptions -----------------------------------------------------------------------

    async def subscribe(
        self,
        guild_id: int,
        user_id: int,
        *,
        topic: str | None = None,
        company: str | None = None,
        keyword: str | None = None,
        delivery: Delivery = Delivery.DM,
        language: str = "en",
    ) -> SubscribeResult:
        """Follow one topic, company or keyword in the server; subscribing again to the same
        thing changes its delivery."""
        new = self._new_subscription(guild_id, user_id, topic, company, keyword, delivery, language)
        if delivery is Delivery.CHANNEL and await self._alert_channel(guild_id) is None:
            raise InvalidInput("alerts.no_alert_channel")
        added = await self._repo.add_subscription(new, limit=self._limit, now=self._clock())
        if added is None:
            raise InvalidInput("alerts.too_many", limit=self._limit)
        await self._remember_subscriber(user_id, language, delivery)
        self._matcher = None
        return SubscribeResult(*added)

    def _new_subscription(
        self,
        guild_id: int,
        user_id: int,
        topic: str | None,
        company: str | None,
        keyword: str | None,
        delivery: Delivery,
        language: str,
    ) -> NewSubscription:
        given = [value for value in (topic, company, keyword) if value is not None]
        if len(given) != 1:
            raise InvalidInput("alerts.one_target")
        owner = (guild_id, user_id)
        if topic is not None:
            found = self._archive.topic_named(topic)
            label = found.name_ko if language == "ko" else found.name_en
            return _by_id(*owner, SubscriptionKind.TOPIC, found.id, label, delivery)
        if company is not None:
            firm = self._archive.company_named(company, guild_id)
            label = firm.name if language == "ko" else firm.english_name or firm.name
            return _by_id(*owner, SubscriptionKind.COMPANY, firm.id, label, delivery)
        parsed = parse_keyword(keyword or "")
        kind = SubscriptionKind.KEYWORD
        key = f"{kind}:{parsed.query}"
        return NewSubscription(*owner, kind, None, parsed.query, key, parsed.label, delivery)

    async def subscriptions(self, guild_id: int, user_id: int) -> list[Subscription]:
        return await self._repo.subscriptions(guild_id, user_id)

    async def unsubscribe(self, guild_id: int, user_id: int, ref: str) -> Subscription:
        """Remove a subscription named by its id (what autocomplete gives) or its label."""
        wanted = " ".join(ref.split()).casefold()
        for subscription in await self._repo.subscriptions(guild_id, user_id):
            if wanted in (str(subscription.id), subscription.label.casefold()):
                return await self.remove(guild_id, user_id, subscription.id)
        raise NotFound("alerts.no_such_subscription")

    async def remove(self, guild_id: int, user_id: int, subscription_id: int) -> Subscription:
        """Remove one of the user's own subscriptions in the server, by id."""
        removed = await self._repo.remove_subscription(guild_id, user_id, subscription_id)
        if removed is None:
            raise NotFound("alerts.subscription_gone")
        self._matcher = None
        return removed

    # --- preferences ---------------------------------------------------------------------------

    async def prefs(self, user_id: int) -> AlertPrefs:
        return await self._repo.prefs(user_id) or AlertPrefs(user_id)

    async def pause(self, user_id: int, hours: int | None) -> AlertPrefs:
        """No new alerts for ``hours`` (until resumed when None); those queued already wait."""
        if hours is not None and not 1 <= hours <= MAX_PAUSE_HOURS:
            raise InvalidInput("alerts.pause_out_of_range", limit=MAX_PAUSE_HOURS)
        until = FOREVER if hours is None else self._clock() + timedelta(hours=hours)
        return await self._saved(
            replace(await self.prefs(user_id), paused_until=until), PrefsField.PAUSE
        )

    async def resume(self, user_id: int) -> AlertPrefs:
        return await self._saved(
            replace(await self.prefs(user_id), paused_until=None), PrefsField.PAUSE
        )

    async def set_quiet_hours(
        self, user_id: int, start: str, end: str, timezone: str
    ) -> AlertPrefs:
        """Hold alerts every day from ``start`` to ``end`` (HH:MM) in ``timezone``."""
        quiet = QuietHours(parse_clock(start), parse_clock(end), require_timezone(timezone))
        if quiet.start == quiet.end:
            raise InvalidInput("alerts.quiet_same")
        return await self._saved(replace(await self.prefs(user_id), quiet=quiet), PrefsField.QUIET)

    async def clear_quiet_hours(self, user_id: int) -> AlertPrefs:
        return await self._saved(replace(await self.prefs(user_id), quiet=None), PrefsField.QUIET)

    async def take_notice(self, user_id: int) -> AlertPrefs | None:
        """The user's pending notice (with the server it is about), now marked as given."""
        return await self._repo.take_notice(user_id)

    async def _saved(self, prefs: AlertPrefs, part: PrefsField) -> AlertPrefs:
        await self._repo.save_prefs(prefs, {part})
        return prefs

    async def _remember_subscriber(self, user_id: int, language: str, delivery: Delivery) -> None:
        """Alerts are written in the language of the user's last subscription. Subscribing
        by DM is how a user whose DMs were refused says they opened them: DMs are tried
        again at once rather than a day later."""
        known = await self._repo.prefs(user_id)
        prefs = replace(known or AlertPrefs(user_id), language=language)
        parts = {PrefsField.LANGUAGE}
        if delivery is Delivery.DM:
            prefs = replace(prefs, dm_refused_at=None)
            parts.add(PrefsField.DM_REFUSED)
        if prefs != known:
            await self._repo.save_prefs(prefs, parts)

    # --- matching -------------------------------------------------------------------------------

    async def match_new(self) -> int:
        """Match every headline waiting in the inbox; the number of alerts queued."""
        queued = 0
        async with self._match_lock:
            while arrived := await self._repo.inbox(MATCH_BATCH):
                now = self._clock()
                matcher = await self._current_matcher()
                fresh = [h for h in arrived if h.published_at >= now - MAX_ALERT_AGE]
                found = [(h.id, s) for h in fresh for s in matcher.match(h)]
                prefs = await self._repo.prefs_of(sorted({s.user_id for _, s in found}))
                alerts = [
                    QueuedAlert(s.user_id, headline_id, s.guild_id, s.id, s.delivery)
                    for headline_id, s in found
                    if not (s.user_id in prefs and prefs[s.user_id].paused_at(now))
                ]
                await self._repo.queue_alerts(alerts, [h.id for h in arrived], now)
                queued += len(alerts)
        return queued

    async def _current_matcher(self) -> AlertMatcher:
        if self._matcher is None:
            self._matcher = AlertMatcher(await self._repo.deliverable_subscriptions())
        return self._matcher

    # --- delivery ------------------------------------------------------------------------------

    async def deliver(self, sender: AlertSender) -> DeliveryReport:
        """Resume the batches in doubt, then send one message per user (and alert channel)
        for everything waiting that may go now."""
        report = DeliveryReport()
        async with self._delivery_lock:
            for batch in await self._repo.batches_in_doubt():
                await self._send(batch, sender, report, in_doubt=True)
            ready: asyncio.Queue[tuple[_Group, AlertPrefs] | None] = asyncio.Queue(
                maxsize=DELIVERY_CONCURRENCY
            )

            async def deliver_ready() -> None:
                # A worker never dies of one batch: the others would wait on it forever.
                while (item := await ready.get()) is not None:
                    try:
                        await self._deliver_group(*item, sender, report)
                    except Exception:
                        # Not planned (an open DM or the database failed): the alerts wait
                        # for the next pass.
                        group = item[0]
                        log.exception(
                            "alert batch failed: user=%s guild=%s", group.user_id, group.guild_id
                        )
                        report.failed += 1

            workers = [asyncio.create_task(deliver_ready()) for _ in range(DELIVERY_CONCURRENCY)]
            try:
                await self._queue_ready_groups(ready, report)
                for _ in workers:
                    await ready.put(None)
                await asyncio.gather(*workers)
            finally:
                for worker in workers:
                    worker.cancel()
        return report

    async def _queue_ready_groups(
        self, ready: asyncio.Queue[tuple[_Group, AlertPrefs] | None], report: DeliveryReport
    ) -> None:
        """Feed the workers the groups that may go now, a few users' alerts at a time: a
        queue of thousands is never read, nor held on the event loop, all at once."""
        now = self._clock()
        users = await self._repo.waiting_users(WAITING_USERS_LIMIT)
        prefs = await self._repo.prefs_of(users)
        recent = await self._repo.batches_since(users, now - timedelta(hours=1))
        free = [u for u in users if not (u in prefs and prefs[u].holds_at(now))]
        report.held += len(users) - len(free)
        for start in range(0, len(free), USERS_PER_READ):
            chunk = free[start : start + USERS_PER_READ]
            for group in _grouped(await self._repo.waiting_alerts(chunk)):
                if recent.get(group.user_id, 0) >= self._hourly_cap:
                    report.held += 1
                    continue
                # Counted now, so a user with a DM and a channel group keeps to the cap too.
                recent[group.user_id] = recent.get(group.user_id, 0) + 1
                await ready.put((group, prefs.get(group.user_id) or AlertPrefs(group.user_id)))

    async def _deliver_group(
        self, group: _Group, prefs: AlertPrefs, sender: AlertSender, report: DeliveryReport
    ) -> None:
        channel_id = await self._channel_for(group)
        if group.delivery is Delivery.CHANNEL and channel_id is None:
            # The admins removed the alert channel since: the alerts go by DM instead.
            group = replace(group, guild_id=None, delivery=Delivery.DM)
        if channel_id is None:
            # plan_batch remembers it, with the batch, for the user's next alerts.
            channel_id = prefs.dm_channel_id or await sender.open_dm(group.user_id)
        batch = AlertBatch(
            0,
            group.user_id,
            group.guild_id,
            group.delivery,
            channel_id,
            self._nonces(),
            group.alerts,
            prefs.language,
        )
        batch = await self._repo.plan_batch(batch, self._clock())
        if group.delivery is Delivery.DM and _refused_lately(prefs, self._clock()):
            await self._dms_refused(batch, prefs)
            return
        await self._send(batch, sender, report, in_doubt=False)

    async def _channel_for(self, group: _Group) -> int | None:
        """The server's alert channel for a channel group; None for DMs, or when it is gone."""
        if group.delivery is not Delivery.CHANNEL or group.guild_id is None:
            return None
        return await self._alert_channel(group.guild_id)

    async def _send(
        self, batch: AlertBatch, sender: AlertSender, report: DeliveryReport, *, in_doubt: bool
    ) -> None:
        ids = f"batch={batch.id} user={batch.user_id} guild={batch.guild_id}"
        try:
            message_id = await sender.find(batch) if in_doubt else None
            if message_id is None:
                message_id = await sender.send(batch)
        except AlertUndeliverable as refusal:
            await self._undeliverable(batch, refusal, report)
            return
        except Exception:
            # An outage or a timeout: the batch stays in doubt and is resumed next pass.
            log.exception("alert batch not sent, will retry: %s", ids)
            report.failed += 1
            return
        await self._repo.record_sent(batch.id, message_id, self._clock())
        report.sent += 1
        report.alerts += len(batch.alerts)
        log.info("alert batch sent: %s message=%s alerts=%d", ids, message_id, len(batch.alerts))

    async def _undeliverable(
        self, batch: AlertBatch, refusal: AlertUndeliverable, report: DeliveryReport
    ) -> None:
        log.info("alert batch refused: batch=%s user=%s: %s", batch.id, batch.user_id, refusal)
        report.failed += 1
        if refusal.reason is UndeliverableReason.DMS_REFUSED:
            await self._dms_refused(batch, await self.prefs(batch.user_id))
            return
        if batch.delivery is Delivery.DM or batch.guild_id is None:
            await self._repo.record_failed(batch.id)
            return
        # The admins broke the alert channel: they are told, and the alerts go by DM.
        await self._repo.retarget(batch.id, [batch.guild_id], Delivery.DM)
        report.broken_channels.add(batch.guild_id)

    async def _dms_refused(self, batch: AlertBatch, prefs: AlertPrefs) -> None:
        """The alerts of servers with an alert channel go there; in the others the user's DM
        subscriptions stop. Either way the user is told at their next command."""
        now = self._clock()
        guilds = sorted({alert.guild_id for alert in batch.alerts})
        with_channel = [g for g in guilds if await self._alert_channel(g) is not None]
        await self._repo.retarget(batch.id, with_channel, Delivery.CHANNEL)
        prefs = replace(prefs, dm_refused_at=now)
        without_channel = [g for g in guilds if g not in with_channel]
        for guild_id in without_channel:
            stopped = replace(prefs, notice=Notice.DMS_REFUSED_STOPPED, notice_guild=guild_id)
            await self._repo.stop_dm_alerts(stopped, guild_id)
            self._matcher = None
        if not without_channel:
            notice_guild = with_channel[0] if with_channel else None
            await self._repo.save_prefs(
                replace(prefs, notice=Notice.DMS_REFUSED_CHANNEL, notice_guild=notice_guild),
                {PrefsField.DM_REFUSED, PrefsField.NOTICE},
            )

    async def _alert_channel(self, guild_id: int) -> int | None:
        settings = await self._settings.get_settings(guild_id)
        return settings.alert_channel_id if settings is not None else None

    async def forget_old(self) -> None:
        """Forget delivered alerts of headlines the matcher would skip as too old anyway: the
        promise never to tell them twice holds without their record."""
        await self._repo.forget_delivered(self._clock() - MAX_ALERT_AGE - FORGET_MARGIN)

    async def queue(self, guild_id: int) -> AlertQueue:
        """For /status: the server's subscriptions and the alerts waiting for its members."""
        return await self._repo.guild_queue(guild_id)


def _by_id(
    guild_id: int,
    user_id: int,
    kind: SubscriptionKind,
    target_id: int,
    label: str,
    delivery: Delivery,
) -> NewSubscription:
    key = f"{kind}:{target_id}"
    return NewSubscription(guild_id, user_id, kind, target_id, str(target_id), key, label, delivery)


def _grouped(alerts: Sequence[PendingAlert]) -> list[_Group]:
    """One group per user's DMs and per user and server for alert channels, oldest first."""
    groups: defaultdict[tuple[int, int | None, Delivery], list[PendingAlert]] = defaultdict(list)
    for alert in alerts:
        guild_id = alert.guild_id if alert.delivery is Delivery.CHANNEL else None
        groups[(alert.user_id, guild_id, alert.delivery)].append(alert)
    return [_Group(*key, tuple(found)) for key, found in groups.items()]


def _refused_lately(prefs: AlertPrefs, now: datetime) -> bool:
    return prefs.dm_refused_at is not None and now - prefs.dm_refused_at < DM_REFUSAL_MEMORY
