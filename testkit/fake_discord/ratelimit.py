"""Rate limits the way Discord announces and enforces them: per-route buckets, a global
limit, and 429s forced on demand."""

from __future__ import annotations

import fnmatch
import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from testkit.fake_discord.models import JSON


@dataclass(frozen=True)
class RateLimitConfig:
    """Per-route buckets of ``route_limit`` requests per ``route_window`` seconds and, when
    ``global_limit`` is set, that many requests per ``global_window`` (Discord: 50 per
    second) across routes. Interaction
    callbacks and webhooks are exempt from the global limit, as on Discord. The defaults
    never bite, so tests only meet limits they ask for."""

    route_limit: int = 10_000
    route_window: float = 1.0
    global_limit: int | None = None
    global_window: float = 1.0
    # Per-route (limit, window) by "METHOD /template", e.g. "POST /users/@me/channels".
    route_overrides: Mapping[str, tuple[int, float]] = field(default_factory=dict)

    def bucket_size(self, route_key: str) -> tuple[int, float]:
        return self.route_overrides.get(route_key, (self.route_limit, self.route_window))


@dataclass
class _ForcedLimit:
    method: str
    path_pattern: str
    remaining: int
    retry_after: float
    is_global: bool

    def matches(self, method: str, path: str) -> bool:
        return method == self.method and fnmatch.fnmatchcase(path, self.path_pattern)


@dataclass
class _Window:
    count: int = 0
    resets_at: float = 0.0

    def roll(self, now: float, length: float) -> None:
        if now >= self.resets_at:
            self.count = 0
            self.resets_at = now + length


@dataclass(frozen=True)
class Verdict:
    """Either headers to add to a normal answer, or a 429 body to send instead."""

    headers: dict[str, str]
    limited_body: JSON | None = None


class RateLimiter:
    # Real time, not the fake's injectable clock: discord.py really sleeps on these numbers.
    def __init__(self, config: RateLimitConfig, now: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        self._now = now
        self._buckets: dict[tuple[str, str], _Window] = {}
        self._global = _Window()
        self._forced: list[_ForcedLimit] = []

    def force(
        self, method: str, path_pattern: str, times: int, retry_after: float, is_global: bool
    ) -> None:
        self._forced.append(_ForcedLimit(method, path_pattern, times, retry_after, is_global))

    def check(
        self, method: str, path: str, route: str, major: str, *, global_exempt: bool
    ) -> Verdict:
        forced = self._take_forced(method, path)
        if forced is not None:
            return _too_many(forced.retry_after, is_global=forced.is_global)
        now = self._now()
        if not global_exempt and self.config.global_limit is not None:
            self._global.roll(now, self.config.global_window)
            if self._global.count >= self.config.global_limit:
                return _too_many(self._global.resets_at - now, is_global=True)
            self._global.count += 1
        return self._check_bucket(f"{method} {route}", major, now)

    def _take_forced(self, method: str, path: str) -> _ForcedLimit | None:
        for forced in self._forced:
            if forced.remaining > 0 and forced.matches(method, path):
                forced.remaining -= 1
                return forced
        return None

    def _check_bucket(self, route_key: str, major: str, now: float) -> Verdict:
        window = self._buckets.setdefault((route_key, major), _Window())
        limit, length = self.config.bucket_size(route_key)
        window.roll(now, length)
        reset_after = window.resets_at - now
        headers = {
            "X-RateLimit-Bucket": hashlib.sha1(route_key.encode()).hexdigest()[:16],
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
        }
        if window.count >= limit:
            return _too_many(reset_after, is_global=False, headers=headers | _remaining(0))
        window.count += 1
        return Verdict(headers | _remaining(limit - window.count))


def _remaining(value: int) -> dict[str, str]:
    return {"X-RateLimit-Remaining": str(value)}


def _too_many(
    retry_after: float, *, is_global: bool, headers: dict[str, str] | None = None
) -> Verdict:
    # discord.py retries a 429 only when ``Via`` is present (else it assumes a Cloudflare ban).
    limited_headers = {"Via": "1.1 google", "Retry-After": f"{max(retry_after, 0.0):.3f}"}
    limited_headers |= headers or {}
    if is_global:
        limited_headers |= {"X-RateLimit-Global": "true", "X-RateLimit-Scope": "global"}
    else:
        limited_headers["X-RateLimit-Scope"] = "user"
    body = {
        "message": "You are being rate limited.",
        "retry_after": max(retry_after, 0.0),
        "global": is_global,
        "code": 0,
    }
    return Verdict(limited_headers, body)
