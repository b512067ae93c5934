"""Topic alerts on SQLite (news.alerts.ports.AlertRepository): subscriptions, preferences, the
matcher's inbox, and the outbox of alerts with the batches that deliver them.

The outbox is the record that makes delivery exactly-once: a headline enters it once per
user (its primary key), is assigned to a batch before the batch is sent, and the batch
records Discord's message id after; a batch still 'sending' after a crash is in doubt.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import datetime

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

from db.alert_rows import (
    arrived_of,
    pending_of,
    prefs_of_row,
    prefs_params,
    queued_params,
    subscription_of,
    subscription_params,
)
from db.backend import Database, Row, Session, Sql, json_list_sql, part_columns, upsert_sql
from db.locks import LockSpace, lock_scope
from db.times import from_unix_or_none, unix

_COUNT_SUBSCRIPTIONS = """
SELECT count(*) AS n FROM subscriptions WHERE guild_id = :guild_id AND user_id = :user_id
"""
_FIND_SUBSCRIPTION = """
SELECT * FROM subscriptions WHERE guild_id = :guild_id AND user_id = :user_id AND key = :key
"""
# Subscribing again is how a user changes the delivery or revives an undeliverable one.
_UPDATE_SUBSCRIPTION = """
UPDATE subscriptions SET delivery = :delivery, label = :label, undeliverable = 0
 WHERE id = :id
RETURNING *
"""
_INSERT_SUBSCRIPTION = """
INSERT INTO subscriptions (guild_id, user_id, kind, target_id, query, key, label, delivery,
                           created_at)
VALUES (:guild_id, :user_id, :kind, :target_id, :query, :key, :label, :delivery, :created_at)
RETURNING *
"""
_USER_SUBSCRIPTIONS = """
SELECT * FROM subscriptions WHERE guild_id = :guild_id AND user_id = :user_id ORDER BY id
"""
_DELIVERABLE_SUBSCRIPTIONS = "SELECT * FROM subscriptions WHERE undeliverable = 0 ORDER BY id"
_DELETE_SUBSCRIPTION = """
DELETE FROM subscriptions WHERE id = :id AND guild_id = :guild_id AND user_id = :user_id
RETURNING *
"""
_STOP_DM_SUBSCRIPTIONS = """
UPDATE subscriptions SET undeliverable = 1
 WHERE guild_id = :guild_id AND user_id = :user_id AND delivery = 'dm'
"""

_GET_PREFS = "SELECT * FROM alert_users WHERE user_id = :user_id"
_PREFS_OF = json_list_sql("SELECT * FROM alert_users WHERE user_id IN {ids}", ids="bigint")
# The columns of each part of the preferences that is written apart (the DM channel is cached
# by plan_batch alone).
_PREFS_COLUMNS = {
    PrefsField.LANGUAGE: ("language",),
    PrefsField.PAUSE: ("paused_until",),
    PrefsField.QUIET: ("quiet_start", "quiet_end", "timezone"),
    PrefsField.DM_REFUSED: ("dm_refused_at",),
    PrefsField.NOTICE: ("notice", "notice_guild"),
}
# The user's row as it is while this transaction writes it: on PostgreSQL the row is locked
# until the commit, on SQLite the transaction (BEGIN IMMEDIATE) holds the write lock already.
_PREFS_FOR_UPDATE = Sql(
    sqlite=_GET_PREFS,
    postgres=_GET_PREFS + " FOR UPDATE",
)
_CLEAR_NOTICE = """
UPDATE alert_users SET notice = NULL, notice_guild = NULL WHERE user_id = :user_id
"""
# Every column of a user's row but the key, as prefs_params names them.
_PREFS_ROW = (
    "language",
    "paused_until",
    "quiet_start",
    "quiet_end",
    "timezone",
    "dm_channel_id",
    "dm_refused_at",
    "notice",
    "notice_guild",
)


def _save_prefs_sql(parts: Collection[PrefsField]) -> str:
    """An upsert of a user's preferences that overwrites only the columns of ``parts``."""
    updating = part_columns(parts, _PREFS_COLUMNS)
    return upsert_sql("alert_users", ("user_id",), _PREFS_ROW, updating=updating)


# The oldest headlines waiting for the matcher, with what it needs of each.
_INBOX_SQL = """
SELECT h.id, h.title, h.summary, h.published_at,
       (SELECT {agg}(company_id){end} FROM headline_companies WHERE headline_id = h.id)
       AS company_ids,
       (SELECT {agg}(topic_id){end} FROM headline_topics WHERE headline_id = h.id) AS topic_ids,
       (SELECT {agg}(DISTINCT guild_id){end} FROM guild_headlines WHERE headline_id = h.id)
       AS guild_ids,
       (SELECT {agg}({pair}(guild_id, company_id)){end} FROM guild_headline_companies
         WHERE headline_id = h.id) AS guild_company_ids
  FROM alert_inbox AS i JOIN headlines AS h ON h.id = i.headline_id
 ORDER BY i.headline_id
 LIMIT :limit
"""
_INBOX = Sql(
    sqlite=_INBOX_SQL.format(agg="json_group_array", end="", pair="json_array"),
    postgres=_INBOX_SQL.format(agg="coalesce(json_agg", end=", '[]')", pair="json_build_array"),
)
_LEAVE_INBOX = "DELETE FROM alert_inbox WHERE headline_id = :id"
_QUEUE_ALERT = """
INSERT INTO alert_outbox (user_id, headline_id, guild_id, subscription_id, delivery, queued_at)
VALUES (:user_id, :headline_id, :guild_id, :subscription_id, :delivery, :queued_at)
ON CONFLICT DO NOTHING
"""

# own_json: the companies the alert's guild's own tags add (db/guild_tags.py).
_ALERT_COLUMNS = """
o.user_id, o.guild_id, o.delivery, o.queued_at, s.label, v.*,
       (SELECT json_group_array(c.name)
          FROM guild_headline_companies AS t JOIN companies AS c ON c.id = t.company_id
         WHERE t.guild_id = o.guild_id AND t.headline_id = o.headline_id) AS own_json
  FROM alert_outbox AS o
  JOIN headline_view AS v ON v.id = o.headline_id
  LEFT JOIN subscriptions AS s ON s.id = o.subscription_id
"""
# Users with alerts waiting, the longest waiting first.
_WAITING_USERS = """
SELECT user_id FROM alert_outbox WHERE batch_id IS NULL
 GROUP BY user_id
 ORDER BY min(queued_at), user_id
 LIMIT :limit
"""
_PG_ALERT_COLUMNS = _ALERT_COLUMNS.replace(
    "json_group_array(c.name)", "coalesce(json_agg(c.name), '[]')"
)
_WAITING_SQL = """
SELECT {columns}
 WHERE o.batch_id IS NULL AND o.user_id IN {{ids}}
 ORDER BY o.queued_at, o.headline_id
"""
_WAITING = Sql(
    sqlite=json_list_sql(_WAITING_SQL.format(columns=_ALERT_COLUMNS), ids="bigint").sqlite,
    postgres=json_list_sql(_WAITING_SQL.format(columns=_PG_ALERT_COLUMNS), ids="bigint").postgres,
)
_BATCH_SQL = "SELECT {} WHERE o.batch_id = :batch_id ORDER BY v.sort_key DESC"
_BATCH_ALERTS = Sql(_BATCH_SQL.format(_ALERT_COLUMNS), _BATCH_SQL.format(_PG_ALERT_COLUMNS))
_RECENT_BATCHES = json_list_sql(
    """
SELECT user_id, count(*) AS n FROM alert_batches
 WHERE created_at >= :since AND state != 'failed' AND user_id IN {ids}
 GROUP BY user_id
""",
    ids="bigint",
)
_INSERT_BATCH = """
INSERT INTO alert_batches (user_id, guild_id, delivery, channel_id, nonce, state, created_at)
VALUES (:user_id, :guild_id, :delivery, :channel_id, :nonce, 'sending', :created_at)
RETURNING id
"""
_ASSIGN = """
UPDATE alert_outbox SET batch_id = :batch_id
 WHERE user_id = :user_id AND headline_id = :headline_id AND batch_id IS NULL
"""
# The DM channel is cached with the first batch sent through it: opening it costs a request.
_REMEMBER_DM_CHANNEL = Sql(
    sqlite="""
UPDATE alert_users SET dm_channel_id = :channel_id
 WHERE user_id = :user_id AND dm_channel_id IS NOT :channel_id
""",
    postgres="""
UPDATE alert_users SET dm_channel_id = :channel_id
 WHERE user_id = :user_id AND dm_channel_id IS DISTINCT FROM :channel_id
""",
)
_BATCH_SENT = """
UPDATE alert_batches SET state = 'sent', message_id = :message_id, sent_at = :sent_at
 WHERE id = :id
"""
_BATCH_FAILED = "UPDATE alert_batches SET state = 'failed' WHERE id = :id"
# With the user's language: a batch sent again must read as it would have the first time.
_IN_DOUBT = """
SELECT b.*, coalesce(u.language, 'en') AS language
  FROM alert_batches AS b LEFT JOIN alert_users AS u ON u.user_id = b.user_id
 WHERE b.state = 'sending'
 ORDER BY b.id
"""
# A batch refused for good: its alerts of these servers wait again, for another delivery.
_RETARGET = json_list_sql(
    """
UPDATE alert_outbox SET batch_id = NULL, delivery = :delivery
 WHERE batch_id = :batch_id AND guild_id IN {guild_ids}
""",
    guild_ids="bigint",
)
# Delivered alerts of headlines too old to be matched ever again (the matcher skips them):
# their record has done its job, and years of it would only weigh on the database.
_FORGET_DELIVERED = """
DELETE FROM alert_outbox
 WHERE batch_id IN (SELECT id FROM alert_batches WHERE state != 'sending' AND created_at < :before)
   AND (SELECT published_at FROM headlines WHERE id = alert_outbox.headline_id) < :before
"""
_FORGET_BATCHES = """
DELETE FROM alert_batches
 WHERE state != 'sending' AND created_at < :before
   AND NOT EXISTS (SELECT 1 FROM alert_outbox AS o WHERE o.batch_id = alert_batches.id)
"""
_GUILD_QUEUE = """
SELECT (SELECT count(*) FROM subscriptions WHERE guild_id = :guild_id) AS subscriptions,
       (SELECT count(*) FROM alert_outbox
         WHERE guild_id = :guild_id AND batch_id IS NULL) AS waiting,
       (SELECT min(queued_at) FROM alert_outbox
         WHERE guild_id = :guild_id AND batch_id IS NULL) AS oldest,
       (SELECT count(*) FROM alert_inbox) AS unmatched
"""


class SqlAlertRepository:
    """news.alerts.ports.AlertRepository on either backend."""

    def __init__(self, database: Database) -> None:
        self._db = database

    # --- subscriptions ---------------------------------------------------------------------

    async def add_subscription(
        self, new: NewSubscription, *, limit: int, now: datetime
    ) -> tuple[Subscription, bool] | None:
        """The subscription and True when created; an existing one (same key) is updated
        instead. None when the user already has ``limit`` subscriptions in the server."""
        owner = {"guild_id": new.guild_id, "user_id": new.user_id}
        async with self._db.transaction() as tx:
            # Two subscribes of one user at once (two processes) count one after the other.
            await lock_scope(tx, LockSpace.SUBSCRIPTIONS, new.guild_id, new.user_id)
            known = await tx.fetch_one(_FIND_SUBSCRIPTION, owner | {"key": new.key})
            if known is not None:
                params = {"id": known["id"], "delivery": new.delivery, "label": new.label}
                row = await tx.fetch_one(_UPDATE_SUBSCRIPTION, params)
                return subscription_of(_returned(row)), False
            count = await tx.fetch_one(_COUNT_SUBSCRIPTIONS, owner)
            if count is not None and int(count["n"]) >= limit:
                return None
            row = await tx.fetch_one(_INSERT_SUBSCRIPTION, subscription_params(new, now))
            return subscription_of(_returned(row)), True

    async def subscriptions(self, guild_id: int, user_id: int) -> list[Subscription]:
        rows = await self._db.fetch_all(
            _USER_SUBSCRIPTIONS, {"guild_id": guild_id, "user_id": user_id}
        )
        return [subscription_of(row) for row in rows]

    async def deliverable_subscriptions(self) -> list[Subscription]:
        return [
            subscription_of(row) for row in await self._db.fetch_all(_DELIVERABLE_SUBSCRIPTIONS)
        ]

    async def remove_subscription(
        self, guild_id: int, user_id: int, subscription_id: int
    ) -> Subscription | None:
        params = {"id": subscription_id, "guild_id": guild_id, "user_id": user_id}
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(_DELETE_SUBSCRIPTION, params)
        return subscription_of(row) if row is not None else None

    # --- preferences -----------------------------------------------------------------------

    async def prefs(self, user_id: int) -> AlertPrefs | None:
        row = await self._db.fetch_one(_GET_PREFS, {"user_id": user_id})
        return prefs_of_row(row) if row is not None else None

    async def prefs_of(self, user_ids: Sequence[int]) -> dict[int, AlertPrefs]:
        rows = await self._db.fetch_all(_PREFS_OF, {"ids": json.dumps(list(user_ids))})
        return {int(row["user_id"]): prefs_of_row(row) for row in rows}

    async def save_prefs(self, prefs: AlertPrefs, parts: Collection[PrefsField]) -> None:
        """Write ``parts`` of ``prefs``; the user's other preferences stay as stored."""
        async with self._db.transaction() as tx:
            await tx.execute(_save_prefs_sql(parts), prefs_params(prefs))

    async def take_notice(self, user_id: int) -> AlertPrefs | None:
        """The preferences with the notice owed, cleared in the same transaction, so that a
        notice given once is not given again, nor a newer one lost unseen."""
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(_PREFS_FOR_UPDATE, {"user_id": user_id})
            prefs = prefs_of_row(row) if row is not None else None
            if prefs is None or prefs.notice is None:
                return None
            await tx.execute(_CLEAR_NOTICE, {"user_id": user_id})
        return prefs

    async def stop_dm_alerts(self, prefs: AlertPrefs, guild_id: int) -> None:
        """The user refuses DMs and the server has no alert channel: their DM subscriptions
        there stop, and the refusal and the notice of ``prefs`` are saved, in one
        transaction."""
        async with self._db.transaction() as tx:
            await tx.execute(
                _STOP_DM_SUBSCRIPTIONS, {"guild_id": guild_id, "user_id": prefs.user_id}
            )
            await tx.execute(
                _save_prefs_sql({PrefsField.DM_REFUSED, PrefsField.NOTICE}),
                prefs_params(prefs),
            )

    # --- matching --------------------------------------------------------------------------

    async def inbox(self, limit: int) -> list[ArrivedHeadline]:
        return [arrived_of(row) for row in await self._db.fetch_all(_INBOX, {"limit": limit})]

    async def queue_alerts(
        self, alerts: Sequence[QueuedAlert], matched: Sequence[int], now: datetime
    ) -> None:
        """Queue the alerts and take the matched headlines out of the inbox, together."""
        queued_at = unix(now)
        async with self._db.transaction() as tx:
            await tx.executemany(_QUEUE_ALERT, [queued_params(a, queued_at) for a in alerts])
            await tx.executemany(_LEAVE_INBOX, [{"id": headline_id} for headline_id in matched])

    # --- delivery --------------------------------------------------------------------------

    async def waiting_users(self, limit: int) -> list[int]:
        rows = await self._db.fetch_all(_WAITING_USERS, {"limit": limit})
        return [int(row["user_id"]) for row in rows]

    async def waiting_alerts(self, user_ids: Sequence[int]) -> list[PendingAlert]:
        rows = await self._db.fetch_all(_WAITING, {"ids": json.dumps(list(user_ids))})
        return [pending_of(row) for row in rows]

    async def batches_since(self, user_ids: Sequence[int], since: datetime) -> dict[int, int]:
        """How many messages each user was sent (or is being sent) since ``since``."""
        params = {"ids": json.dumps(list(user_ids)), "since": unix(since)}
        rows = await self._db.fetch_all(_RECENT_BATCHES, params)
        return {int(row["user_id"]): int(row["n"]) for row in rows}

    async def plan_batch(self, batch: AlertBatch, now: datetime) -> AlertBatch:
        """Create the batch and assign its alerts to it, before anything is sent; a DM batch
        also caches its user's DM channel."""
        params = {
            "user_id": batch.user_id,
            "guild_id": batch.guild_id,
            "delivery": batch.delivery,
            "channel_id": batch.channel_id,
            "nonce": batch.nonce,
            "created_at": unix(now),
        }
        async with self._db.transaction() as tx:
            row = _returned(await tx.fetch_one(_INSERT_BATCH, params))
            batch_id = int(row["id"])
            await tx.executemany(
                _ASSIGN,
                [
                    {"batch_id": batch_id, "user_id": a.user_id, "headline_id": a.headline.id}
                    for a in batch.alerts
                ],
            )
            if batch.delivery is Delivery.DM:
                await tx.execute(
                    _REMEMBER_DM_CHANNEL,
                    {"user_id": batch.user_id, "channel_id": batch.channel_id},
                )
        return AlertBatch(
            batch_id,
            batch.user_id,
            batch.guild_id,
            batch.delivery,
            batch.channel_id,
            batch.nonce,
            batch.alerts,
            batch.language,
        )

    async def record_sent(self, batch_id: int, message_id: int, now: datetime) -> None:
        params = {"id": batch_id, "message_id": message_id, "sent_at": unix(now)}
        async with self._db.transaction() as tx:
            await tx.execute(_BATCH_SENT, params)

    async def record_failed(self, batch_id: int) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(_BATCH_FAILED, {"id": batch_id})

    async def retarget(self, batch_id: int, guild_ids: Sequence[int], delivery: Delivery) -> None:
        """The batch failed; its alerts from ``guild_ids`` wait again, for ``delivery``."""
        params = {
            "batch_id": batch_id,
            "guild_ids": json.dumps(list(guild_ids)),
            "delivery": delivery,
        }
        async with self._db.transaction() as tx:
            await tx.execute(_RETARGET, params)
            await tx.execute(_BATCH_FAILED, {"id": batch_id})

    async def forget_delivered(self, before: datetime) -> None:
        """Delete delivered alerts (and their batches) of headlines published before
        ``before``, sent before it too."""
        async with self._db.transaction() as tx:
            await tx.execute(_FORGET_DELIVERED, {"before": unix(before)})
            await tx.execute(_FORGET_BATCHES, {"before": unix(before)})

    async def batches_in_doubt(self) -> list[AlertBatch]:
        async with self._db.snapshot() as reads:
            rows = await reads.fetch_all(_IN_DOUBT)
            return [await _batch_with_alerts(reads, row) for row in rows]

    async def guild_queue(self, guild_id: int) -> AlertQueue:
        row = await self._db.fetch_one(_GUILD_QUEUE, {"guild_id": guild_id})
        assert row is not None  # an aggregate always yields its row
        return AlertQueue(
            subscriptions=row["subscriptions"],
            waiting=row["waiting"],
            oldest_waiting=from_unix_or_none(row["oldest"]),
            unmatched=row["unmatched"],
        )


async def _batch_with_alerts(reads: Session, row: Row) -> AlertBatch:
    alerts = await reads.fetch_all(_BATCH_ALERTS, {"batch_id": row["id"]})
    return AlertBatch(
        id=row["id"],
        user_id=row["user_id"],
        guild_id=row["guild_id"],
        delivery=Delivery(row["delivery"]),
        channel_id=row["channel_id"],
        nonce=row["nonce"],
        alerts=tuple(pending_of(alert) for alert in alerts),
        language=row["language"],
    )


def _returned(row: Row | None) -> Row:
    assert row is not None  # RETURNING always yields the written row
    return row
