"""Discord gets every command's name, description, options and choices in Korean from the
catalogues, and the English the cogs write matches the English catalogue."""

from __future__ import annotations

from typing import Any
from unittest.mock import MagicMock

import discord
import pytest
from discord import app_commands
from discord.ext import commands

import locales
from bot.client import EXTENSIONS
from cogs.common.base import CogServices
from cogs.common.i18n import CatalogueTranslator, command_key, language_of


class RecordingTranslator(CatalogueTranslator):
    """Remembers, for Korean, each text Discord would be sent and its catalogue key."""

    def __init__(self) -> None:
        self.asked: list[tuple[str | None, str]] = []

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        if locale is discord.Locale.korean:
            self.asked.append((command_key(context), string.message))
        return await super().translate(string, locale, context)


async def _payloads() -> tuple[list[dict[str, Any]], RecordingTranslator]:
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.none())
    bot.services = CogServices(*(MagicMock() for _ in range(7)))  # type: ignore[attr-defined]
    for extension in EXTENSIONS:
        await bot.load_extension(extension)
    translator = RecordingTranslator()
    payloads = [
        await command.get_translated_payload(bot.tree, translator)
        for command in bot.tree.get_commands()
    ]
    return payloads, translator


def _untranslated(payload: dict[str, Any], path: str = "") -> list[str]:
    """Names and descriptions in a command payload that have no Korean localisation."""
    where = f"{path}/{payload['name']}"
    missing = [
        f"{where} {field}"
        for field in ("name", "description")
        if field in payload and "ko" not in payload.get(f"{field}_localizations", {})
    ]
    for choice in payload.get("choices", []):
        if "ko" not in choice.get("name_localizations", {}):
            missing.append(f"{where} choice {choice['name']}")
    for option in payload.get("options", []):
        missing += _untranslated(option, where)
    return missing


async def test_every_command_text_has_a_korean_localisation() -> None:
    payloads, _ = await _payloads()

    missing = [text for payload in payloads for text in _untranslated(payload)]

    assert missing == []


async def test_the_english_of_the_cogs_is_the_english_catalogue() -> None:
    _, translator = await _payloads()

    differing = [
        (key, source)
        for key, source in translator.asked
        if key is None or locales.template(locales.ENGLISH, key) != source
    ]

    assert translator.asked
    assert differing == []


async def test_every_command_text_of_the_catalogues_is_used() -> None:
    _, translator = await _payloads()
    used = {key for key, _ in translator.asked}

    unused = sorted(
        key
        for key in locales.all_keys()
        if key.startswith(("commands.", "choices.")) and key not in used
    )

    assert unused == []


async def test_english_clients_get_the_cogs_own_text() -> None:
    payloads, _ = await _payloads()
    company = next(payload for payload in payloads if payload["name"] == "company")

    assert company["description_localizations"] == {
        "ko": "회사 조회: 최근 헤드라인, 주간 차트, 언급된 라운드업"
    }
    assert company["name_localizations"] == {"ko": "회사"}


@pytest.mark.parametrize(
    ("locale", "language"),
    [
        (discord.Locale.korean, "ko"),
        (discord.Locale.american_english, "en"),
        (discord.Locale.japanese, "en"),
        ("ko", "ko"),
        (None, "en"),
    ],
)
def test_a_discord_locale_reads_in_its_catalogue_language_or_english(
    locale: discord.Locale | str | None, language: str
) -> None:
    assert language_of(locale) == language
