"""The Discord side of the message catalogues (``locales/``): a user's language from their
Discord locale, replies and error messages in it, and the translator that gives Discord the
commands' names and descriptions in every catalogue language.

Command names and descriptions are written in English in the cogs (a command's docstring is
its description); ``CatalogueTranslator`` looks their other languages up by where they sit
(``commands.<command path>.description``, ``...options.<option>.name``, ``choices.<name>``).
"""

from __future__ import annotations

import re

import discord
from discord import app_commands
from discord.app_commands import TranslationContextLocation as Location
from locales import ENGLISH, KOREAN, LANGUAGES, t, template
from news.core.errors import RoundupError

_NAMES = frozenset({Location.command_name, Location.group_name, Location.parameter_name})

__all__ = [
    "ENGLISH",
    "KOREAN",
    "CatalogueTranslator",
    "choice_key",
    "command_key",
    "english",
    "error_text",
    "language_of",
    "text",
]


def language_of(locale: discord.Locale | str | None) -> str:
    """The catalogue language of a Discord locale (``ko`` for ``ko``); English for the rest."""
    value = locale.value if isinstance(locale, discord.Locale) else (locale or "")
    language = value.lower().partition("-")[0]
    return language if language in LANGUAGES else ENGLISH


def text(locale: discord.Locale | str | None, key: str, **values: object) -> str:
    """The reply ``key`` (``replies.<key>`` in the catalogues) in the user's language."""
    return t(language_of(locale), f"replies.{key}", **values)


def error_text(locale: discord.Locale | str | None, error: RoundupError) -> str:
    """A domain error in the user's language, by its code."""
    return error.message_in(language_of(locale))


def english(key: str) -> str:
    """A command text the cogs take from the catalogue rather than spell out themselves."""
    return t(ENGLISH, key)


def command_key(context: app_commands.TranslationContextTypes) -> str | None:
    """Where a command's name, description, option or choice sits in the catalogues."""
    data: object = context.data
    field = "name" if context.location in _NAMES else "description"
    if isinstance(data, app_commands.Parameter):
        return f"commands.{_path(data.command.qualified_name)}.options.{data.name}.{field}"
    if isinstance(data, app_commands.Choice):
        return choice_key(data.name)
    if isinstance(data, app_commands.Command | app_commands.Group | app_commands.ContextMenu):
        return f"commands.{_path(data.qualified_name)}.{field}"
    return None


def choice_key(name: str) -> str:
    """``choices.alert_channel_with_a_mention`` for the choice "Alert channel (with a mention)"."""
    return "choices." + re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _path(qualified_name: str) -> str:
    return qualified_name.replace(" ", ".")


class CatalogueTranslator(app_commands.Translator):
    """Gives Discord the commands in every catalogue language but English (the source)."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        language = language_of(locale)
        if language == ENGLISH:
            return None
        key = command_key(context)
        return None if key is None else template(language, key)
