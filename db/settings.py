"""Per-guild settings: one row per guild, absent until the guild changes something."""

from __future__ import annotations

from news.core.models import GuildSettings

from db.backend import Database

_GET_SETTINGS = """
SELECT guild_id, digest_channel_id, digest_weekday, digest_hour, timezone, language,
       alert_channel_id
  FROM guild_settings
 WHERE guild_id = :guild_id
"""
_SAVE_SETTINGS = """
INSERT INTO guild_settings (guild_id, digest_channel_id, digest_weekday, digest_hour, timezone,
                            language, alert_channel_id)
VALUES (:guild_id, :digest_channel_id, :digest_weekday, :digest_hour, :timezone, :language,
        :alert_channel_id)
ON CONFLICT (guild_id) DO UPDATE
   SET digest_channel_id = excluded.digest_channel_id,
       digest_weekday = excluded.digest_weekday,
       digest_hour = excluded.digest_hour,
       timezone = excluded.timezone,
       language = excluded.language,
       alert_channel_id = excluded.alert_channel_id
"""


class SqlSettingsRepository:
    """news.digest.ports.SettingsRepository on either backend."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def get_settings(self, guild_id: int) -> GuildSettings | None:
        row = await self._db.fetch_one(_GET_SETTINGS, {"guild_id": guild_id})
        return GuildSettings(**dict(row)) if row else None

    async def save_settings(self, settings: GuildSettings) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                _SAVE_SETTINGS,
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
