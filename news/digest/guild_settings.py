"""Per-server settings: where and when the weekly digest goes, in which language."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from news.core.errors import InvalidInput
from news.core.models import GuildSettings, SettingsPart
from news.digest.ports import SettingsRepository

LANGUAGES = ("ko", "en")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


SettingsListener = Callable[[GuildSettings], Awaitable[None]]


class GuildSettingsService:
    def __init__(
        self, repository: SettingsRepository, *, on_change: SettingsListener | None = None
    ) -> None:
        self._repository = repository
        # Told of every saved change, e.g. by the composition root to move the digest's job.
        self._on_change = on_change

    async def settings(self, guild_id: int) -> GuildSettings:
        """The server's settings, or the defaults when it never ran /setup."""
        return await self._repository.get_settings(guild_id) or GuildSettings(guild_id)

    async def configure_digest(
        self,
        guild_id: int,
        *,
        channel_id: int,
        weekday: int,
        hour: int,
        timezone: str,
        language: str,
    ) -> GuildSettings:
        """Store where and when the weekly digest is posted; InvalidInput on absurd values."""
        current = await self.settings(guild_id)
        updated = replace(
            current,
            digest_channel_id=channel_id,
            digest_weekday=_require_weekday(weekday),
            digest_hour=_require_hour(hour),
            timezone=require_timezone(timezone),
            language=_require_language(language),
        )
        await self._repository.save_settings(updated, {SettingsPart.DIGEST})
        if self._on_change is not None:
            await self._on_change(updated)
        return updated

    async def set_alert_channel(self, guild_id: int, channel_id: int | None) -> GuildSettings:
        """Where alerts delivered in the server (and notices to its admins) go; None clears it."""
        updated = replace(await self.settings(guild_id), alert_channel_id=channel_id)
        await self._repository.save_settings(updated, {SettingsPart.ALERTS})
        return updated


def require_timezone(name: str) -> str:
    """An IANA time zone name such as Asia/Seoul."""
    cleaned = name.strip()
    if not cleaned or len(cleaned) > 64 or cleaned.startswith(("/", ".")) or ".." in cleaned:
        raise InvalidInput("settings.bad_time_zone", zone=cleaned[:40])
    try:
        ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput("settings.bad_time_zone", zone=cleaned[:40]) from None
    return cleaned


def timezone_choices(prefix: str, limit: int = 25) -> list[str]:
    """IANA names containing the prefix, those starting with it first."""
    needle = prefix.strip().lower()
    names = sorted(available_timezones())
    starts = [n for n in names if n.lower().startswith(needle)]
    contains = [n for n in names if needle in n.lower() and not n.lower().startswith(needle)]
    return (starts + contains)[:limit]


def _require_weekday(weekday: int) -> int:
    if not 0 <= weekday <= 6:
        raise InvalidInput("settings.bad_weekday")
    return weekday


def _require_hour(hour: int) -> int:
    if not 0 <= hour <= 23:
        raise InvalidInput("settings.bad_hour")
    return hour


def _require_language(language: str) -> str:
    if language not in LANGUAGES:
        raise InvalidInput("settings.bad_language")
    return language
