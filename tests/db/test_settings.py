from __future__ import annotations

from db import SqlSettingsRepository
from news.core.models import GuildSettings


async def test_unknown_guild_has_no_settings(settings: SqlSettingsRepository) -> None:
    assert await settings.get_settings(1) is None


async def test_settings_round_trip(settings: SqlSettingsRepository) -> None:
    saved = GuildSettings(
        guild_id=1_234_567_890_123_456_789,
        digest_channel_id=987_654_321_098_765_432,
        digest_weekday=4,
        digest_hour=18,
        timezone="Europe/Paris",
        language="en",
        alert_channel_id=111,
    )
    await settings.save_settings(saved)
    assert await settings.get_settings(saved.guild_id) == saved


async def test_saving_again_overwrites(settings: SqlSettingsRepository) -> None:
    await settings.save_settings(GuildSettings(guild_id=1, digest_hour=7))
    await settings.save_settings(GuildSettings(guild_id=1, digest_hour=8, digest_channel_id=None))
    found = await settings.get_settings(1)
    assert found is not None and found.digest_hour == 8


async def test_settings_are_per_guild(settings: SqlSettingsRepository) -> None:
    await settings.save_settings(GuildSettings(guild_id=1, language="en"))
    assert await settings.get_settings(2) is None
