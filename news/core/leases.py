"""Leases: every unit of background work is done by the one process that holds its lease.

A unit is named by a kind and a key: a server's weekly digest (``digest``, the guild id), a
feed's poll (``feed``, the source id), the alert delivery pass (``alerts``, ``deliver``). A
process claims the unit's lease in the database for ``LEASE_SECONDS``, renews it while it
works, and releases it when done; a process that dies stops renewing, and once the lease has
expired any other process may claim it and carry the work on from its record.

Each claim raises the lease's *fencing token*. While a coroutine holds a lease (the context
variable ``current_lease``), every write transaction it opens first checks that the lease
still carries its token (db/leases.py): a process that was frozen past its lease and wakes up
is refused (``LeaseLost``) instead of writing over its successor's work.

On SQLite (one process) the same code runs: the claims always succeed, and the lease costs a
row write per unit of work.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from news.core.errors import InvalidInput

log = logging.getLogger(__name__)

DEFAULT_LEASE_SECONDS = 30.0
# A process missing for this many lease periods no longer counts as alive.
LIVE_PERIODS = 3


@dataclass(frozen=True, slots=True)
class Lease:
    kind: str
    key: str
    holder: str
    token: int
    expires_at: datetime


class LeaseLost(RuntimeError):
    """A write was refused: another process claimed the lease after this one's expired."""

    def __init__(self, lease: Lease) -> None:
        super().__init__(
            f"lease lost: {lease.kind}:{lease.key} token={lease.token} holder={lease.holder}"
        )
        self.lease = lease


class LeaseBusy(InvalidInput):
    """Someone else (another process, or a command in this one) is doing this work now."""

    def __init__(self) -> None:
        super().__init__("work.busy")


# The lease the running coroutine works under: its writes are fenced by it (db/leases.py).
current_lease: ContextVar[Lease | None] = ContextVar("current_lease", default=None)


class LeaseRepository(Protocol):
    """The leases table and the processes' heartbeats (db/leases.py)."""

    async def claim(
        self, kind: str, keys: Sequence[str], holder: str, now: datetime, expires_at: datetime
    ) -> list[Lease]:
        """The leases among ``keys`` that were free (never held, or expired) and are now
        ``holder``'s, each with a fresh token; the others are held by someone else."""

    async def renew(self, lease: Lease, expires_at: datetime) -> Lease | None:
        """The lease extended, or None when it is no longer ``lease.holder``'s token."""

    async def release(self, leases: Sequence[Lease], now: datetime) -> None:
        """Expire the leases at once (if still ours), keeping their tokens."""

    async def heartbeat(self, holder: str, shards: str, now: datetime) -> None:
        """Record that the process is alive."""

    async def live_processes(self, since: datetime) -> int:
        """How many processes were seen at or after ``since`` (at least 1)."""

    async def leave(self, holder: str) -> None:
        """The process stops: it no longer counts among the live ones."""

    async def holders(self, kind: str, keys: Sequence[str], now: datetime) -> set[str]:
        """Who holds the unexpired leases among ``keys``."""

    async def release_holder(self, holder: str, now: datetime) -> int:
        """Expire every lease ``holder`` still has and forget its heartbeat: the holder is
        known to be dead. How many leases were expired."""


def process_name() -> str:
    """A holder name unique to this process: host, pid and a random tail (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def holder_is_gone(holder: str) -> bool:
    """Whether ``holder`` names a process of this host that no longer exists.

    A process that crashed and was restarted on the same host must not wait LEASE_SECONDS
    for its own predecessor's leases: on SQLite that predecessor is the only other process
    there ever was. A holder on another host, this process itself, a live (or frozen) pid,
    or a name not in ``process_name``'s form are never taken for gone; a reused pid only
    makes the lease wait for its expiry, as before."""
    host, _, rest = holder.partition(":")
    pid_text, _, _ = rest.partition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, another user's
    return False


class Leases:
    """One process's claims: its holder name, the clock every expiry is read on, and
    LEASE_SECONDS. ``renew_every`` is how long (real time) a holder waits between renewals."""

    def __init__(
        self,
        repository: LeaseRepository,
        *,
        holder: str,
        clock: Callable[[], datetime],
        seconds: float = DEFAULT_LEASE_SECONDS,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.repository = repository
        self.holder = holder
        self.seconds = seconds
        self._clock = clock
        self._sleep = sleep
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}

    @property
    def period(self) -> timedelta:
        return timedelta(seconds=self.seconds)

    async def claim(self, kind: str, keys: Sequence[str]) -> list[Lease]:
        """Claim what is free among ``keys`` (one transaction); hold each with ``hold``.
        Leases of a dead process of this host are taken at once, not after their expiry."""
        if not keys:
            return []
        now = self._clock()
        claimed = await self.repository.claim(kind, keys, self.holder, now, now + self.period)
        if len(claimed) < len(set(keys)) and await self._release_gone(kind, keys, now):
            taken = {lease.key for lease in claimed}
            rest = [key for key in keys if key not in taken]
            claimed += await self.repository.claim(kind, rest, self.holder, now, now + self.period)
        return claimed

    async def _release_gone(self, kind: str, keys: Sequence[str], now: datetime) -> bool:
        gone = [h for h in await self.repository.holders(kind, keys, now) if holder_is_gone(h)]
        for holder in gone:
            released = await self.repository.release_holder(holder, now)
            log.warning("process %s is gone; took over its %d lease(s)", holder, released)
        return bool(gone)

    @asynccontextmanager
    async def holding(self, kind: str, key: str) -> AsyncIterator[Lease | None]:
        """The unit's lease for the block, or None when another process holds it. Inside
        this process, holders of one unit take turns; the lease is renewed while the block
        runs and released after it."""
        held = current_lease.get()
        if held is not None and (held.kind, held.key, held.holder) == (kind, key, self.holder):
            yield held  # already ours, further up this coroutine
            return
        async with self._lock(kind, key):
            claimed = await self.claim(kind, [key])
            if not claimed:
                yield None
                return
            async with self.hold(claimed[0]) as lease:
                yield lease

    @asynccontextmanager
    async def hold(self, lease: Lease) -> AsyncIterator[Lease]:
        """Work under ``lease`` (claimed just before): fenced writes, renewal, release."""
        reset = current_lease.set(lease)
        renewal = asyncio.create_task(self._renew(lease), name=f"lease {lease.kind}:{lease.key}")
        try:
            yield lease
        finally:
            renewal.cancel()
            await asyncio.gather(renewal, return_exceptions=True)
            current_lease.reset(reset)
            try:
                await self.repository.release([lease], self._clock())
            except Exception:
                # It expires on its own after LEASE_SECONDS: nothing is lost but time.
                log.warning("could not release lease %s:%s", lease.kind, lease.key)

    def guard(self, kind: str) -> Callable[[int], AbstractAsyncContextManager[None]]:
        """A per-key guard for a service: the unit's lease for the block, or LeaseBusy when
        another process holds it."""

        @asynccontextmanager
        async def guarded(key: int) -> AsyncIterator[None]:
            async with self.holding(kind, str(key)) as lease:
                if lease is None:
                    raise LeaseBusy()
                yield

        return guarded

    async def _renew(self, lease: Lease) -> None:
        while True:
            await self._sleep(self.seconds / 3)
            try:
                renewed = await self.repository.renew(lease, self._clock() + self.period)
            except Exception:
                log.warning("lease renewal failed: %s:%s; retried", lease.kind, lease.key)
                continue
            if renewed is None:
                log.warning(
                    "lease lost: %s:%s token=%s (taken over); its writes will be refused",
                    lease.kind,
                    lease.key,
                    lease.token,
                )
                return

    def _lock(self, kind: str, key: str) -> asyncio.Lock:
        return self._locks.setdefault((kind, key), asyncio.Lock())
