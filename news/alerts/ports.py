"""What alerts need from outside: storage (db/ implements it) and a sender (the Discord adapter)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
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
    PrefsField,
    QueuedAlert,
    Subscription,
)


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

    async def save_prefs(self, prefs: AlertPrefs, parts: Collection[PrefsField]) -> None:
        """Write ``parts`` of ``prefs``; the user's other preferences stay as stored (a user
        without any takes them from ``prefs``)."""

    async def take_notice(self, user_id: int) -> AlertPrefs | None:
        """The user's preferences with the notice they are owed, which is cleared in the same
        transaction (None when there is none): a notice is given once."""

    async def stop_dm_alerts(self, prefs: AlertPrefs, guild_id: int) -> None:
        """Mark the user's DM subscriptions in the server undeliverable and save the DM
        refusal and the notice of ``prefs``."""

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


class AlertSender(Protocol):
    """Delivers batches on Discord (cogs.alerts.delivery.DiscordAlertSender)."""

    async def open_dm(self, user_id: int) -> int:
        """The id of the DM channel with the user, opened if needed."""

    async def send(self, batch: AlertBatch) -> int:
        """Send the batch's message with its nonce; the message id. AlertUndeliverable when
        Discord refuses it for good (DMs closed, channel gone or forbidden)."""

    async def find(self, batch: AlertBatch) -> int | None:
        """The id of the batch's message when it was sent already (a batch in doubt)."""
