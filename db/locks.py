"""Locks that make a check-then-write atomic across processes.

A repository that reads before it writes (is the subscription limit reached? is this spelling
taken? is this feed, in another form of its URL, already stored?) needs the read to stay true
until it commits. On SQLite it does: BEGIN IMMEDIATE admits one writer at a time, across
processes too. On PostgreSQL, READ COMMITTED lets two transactions both read "24 of 25" and
both insert; a conditional ``INSERT ... SELECT ... WHERE (SELECT count(*) ...) < :limit`` does
not help, as neither count sees the other's uncommitted row. So the writers of one scope (a
user's subscriptions in a server, a server's catalogue, a server's feeds, a feed host) take a
transaction-scoped advisory lock on that scope first: they queue for one another, and
everyone else runs on. The lock ends with the transaction, committed or not.

Keys: the two-int4 form of pg_advisory_xact_lock, (space, hashtext(scope)). Its lock space is
apart from the bigint form's (the constants of db/headlines.py and the migrations), and two
scopes that hash alike only queue, never break.
"""

from __future__ import annotations

from enum import IntEnum

from db.backend import Dialect, Session

_LOCK = "SELECT pg_advisory_xact_lock(:space, hashtext(:scope))"


class LockSpace(IntEnum):
    SUBSCRIPTIONS = 1  # scope: guild and user
    CATALOG = 2  # scope: guild
    GUILD_FEEDS = 3  # scope: guild
    FEED_HOST = 4  # scope: the feed URL's host
    ROUNDUPS = 5  # scope: guild (the same article imported twice at once is one roundup)
    STORIES = 6  # scope: ISO week (saving the story ids of its new headlines)


async def lock_scope(tx: Session, space: LockSpace, *scope: object) -> None:
    """Hold the scope's lock until ``tx`` ends (PostgreSQL); on SQLite the transaction is
    the only writer already."""
    if tx.dialect is Dialect.POSTGRES:
        await tx.execute(_LOCK, {"space": int(space), "scope": ":".join(map(str, scope))})
