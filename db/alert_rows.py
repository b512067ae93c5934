"""Alert rows to models and back: subscriptions, preferences, the inbox and the outbox
(db/alerts.py reads and writes them)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime

from news.alerts.models import (
    AlertPrefs,
    ArrivedHeadline,
    Delivery,
    NewSubscription,
    Notice,
    PendingAlert,
    QueuedAlert,
    QuietHours,
    Subscription,
    SubscriptionKind,
)

from db.backend import Row
from db.headlines import headline_from_row
from db.times import from_unix, from_unix_or_none, unix


def subscription_params(new: NewSubscription, now: datetime) -> dict[str, object]:
    return {
        "guild_id": new.guild_id,
        "user_id": new.user_id,
        "kind": new.kind,
        "target_id": new.target_id,
        "query": new.query,
        "key": new.key,
        "label": new.label,
        "delivery": new.delivery,
        "created_at": unix(now),
    }


def subscription_of(row: Row) -> Subscription:
    return Subscription(
        guild_id=row["guild_id"],
        user_id=row["user_id"],
        kind=SubscriptionKind(row["kind"]),
        target_id=row["target_id"],
        query=row["query"],
        key=row["key"],
        label=row["label"],
        delivery=Delivery(row["delivery"]),
        id=row["id"],
        undeliverable=bool(row["undeliverable"]),
    )


def prefs_of_row(row: Row) -> AlertPrefs:
    quiet = None
    if row["quiet_start"] is not None and row["quiet_end"] is not None and row["timezone"]:
        quiet = QuietHours(row["quiet_start"], row["quiet_end"], row["timezone"])
    return AlertPrefs(
        user_id=row["user_id"],
        language=row["language"],
        paused_until=from_unix_or_none(row["paused_until"]),
        quiet=quiet,
        dm_channel_id=row["dm_channel_id"],
        dm_refused_at=from_unix_or_none(row["dm_refused_at"]),
        notice=Notice(row["notice"]) if row["notice"] else None,
        notice_guild=row["notice_guild"],
    )


def prefs_params(prefs: AlertPrefs) -> dict[str, object]:
    quiet = prefs.quiet
    return {
        "user_id": prefs.user_id,
        "language": prefs.language,
        "paused_until": unix(prefs.paused_until) if prefs.paused_until else None,
        "quiet_start": quiet.start if quiet else None,
        "quiet_end": quiet.end if quiet else None,
        "timezone": quiet.timezone if quiet else None,
        "dm_channel_id": prefs.dm_channel_id,
        "dm_refused_at": unix(prefs.dm_refused_at) if prefs.dm_refused_at else None,
        "notice": prefs.notice,
        "notice_guild": prefs.notice_guild,
    }


def arrived_of(row: Row) -> ArrivedHeadline:
    return ArrivedHeadline(
        id=row["id"],
        text=f"{row['title']}\n{row['summary']}",
        published_at=from_unix(row["published_at"]),
        company_ids=tuple(json.loads(row["company_ids"])),
        topic_ids=tuple(json.loads(row["topic_ids"])),
        guild_ids=tuple(json.loads(row["guild_ids"])),
        guild_company_ids=tuple((g, c) for g, c in json.loads(row["guild_company_ids"])),
    )


def queued_params(alert: QueuedAlert, queued_at: int) -> dict[str, object]:
    return {
        "user_id": alert.user_id,
        "headline_id": alert.headline_id,
        "guild_id": alert.guild_id,
        "subscription_id": alert.subscription_id,
        "delivery": alert.delivery,
        "queued_at": queued_at,
    }


def pending_of(row: Row) -> PendingAlert:
    headline = headline_from_row(row)
    own = json.loads(row["own_json"])
    if own:
        headline = replace(headline, companies=tuple(sorted({*headline.companies, *own})))
    return PendingAlert(
        user_id=row["user_id"],
        guild_id=row["guild_id"],
        delivery=Delivery(row["delivery"]),
        headline=headline,
        label=row["label"],
        queued_at=from_unix(row["queued_at"]),
    )
