"""Per-guild settings: one row per guild, absent until the guild changes something."""

from __future__ import annotations

from collections.abc import Collection

from news.core.models import EVERY_SETTING, GuildSettings, SettingsPart

from db.backend import Database, part_columns, upsert_sql

_GET_SETTINGS = """
SELECT guild_id, digest_channel_id, digest_weekday, digest_hour, timezone, language,
       alert_channel_id
  FROM guild_settings
 WHERE guild_id = :guild_id
"""
# The columns of each part of the settings that is written apart (see SettingsPart).
_PART_COLUMNS = {
    SettingsPart.DIGEST: (
        "digest_channel_id",
        "digest_weekday",
        "digest_hour",
        "timezone",
        "language",
    ),
    SettingsPart.ALERTS: ("alert_channel_id",),
}
_ROW = tuple(column for columns in _PART_COLUMNS.values() for column in columns)


class SqlSettingsRepository:
    """news.digest.ports.SettingsRepository on either backend."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def get_settings(self, guild_id: int) -> GuildSettings | None:
        row = await self._db.fetch_one(_GET_SETTINGS, {"guild_id": guild_id})
        return GuildSettings(**dict(row)) if row else None

    async def save_settings(
        self, settings: GuildSettings, parts: Collection[SettingsPart] = EVERY_SETTING
    ) -> None:
        """Write ``parts`` of the settings (all of them unless told); the others stay as
        stored, or take their value from ``settings`` for a server without any."""
        updating = part_columns(parts, _PART_COLUMNS)
        save = upsert_sql("guild_settings", ("guild_id",), _ROW, updating=updating)
        async with self._db.transaction() as tx:
            await tx.execute(
                save,
                {
                    "guild_id": settings.guild_id,
                    "digest_channel_id": settings.digest_channel_id,
                    "digest_weekday": settings.digest_weekday,
                    "digest_hour": settings.digest_hour,
                    "timezone": settings.timezone,
                    "language": settings.language,
                    "alert_channel_id": settings.alert_channel_id,
                },
            )
