"""The bot's text, one TOML message catalogue per language (``en.toml``, ``ko.toml``).

A catalogue is a tree of tables whose leaves are ``str.format`` templates; keys are the
dotted paths to them (``replies.imported``, ``errors.week.invalid``,
``commands.setup.digest.description``). Both catalogues are read and checked when this
module is imported: the same keys, the same placeholders, templates that parse. A broken
catalogue stops the bot at start-up, not in the middle of a reply.

A Korean particle after a placeholder is chosen by the value's final sound: ``{name|을}``
is the name followed by 을 or 를, ``{name|~을}`` the particle alone (see ``particles``).

Standard library only: the domain (news/), the database side, the cogs and the composition
root all read it.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from importlib import resources
from typing import Any

from locales.particles import is_particle, particle

ENGLISH = "en"
KOREAN = "ko"
LANGUAGES = (KOREAN, ENGLISH)
DEFAULT_LANGUAGE = ENGLISH


class _ParticleFormatter(string.Formatter):
    """str.format, plus ``{name|을}`` and ``{name|~을}``: the particle that fits the value."""

    def get_field(
        self, field_name: str, args: Sequence[Any], kwargs: Mapping[str, Any]
    ) -> tuple[Any, str]:
        name, bar, written = field_name.partition("|")
        if not bar:
            found: tuple[Any, str] = super().get_field(field_name, args, kwargs)
            return found
        value = kwargs[name]
        chosen = particle(str(value), written.removeprefix("~"))
        return (chosen if written.startswith("~") else f"{value}{chosen}"), name


_FORMATTER = _ParticleFormatter()


class CatalogueError(Exception):
    """A catalogue cannot be used as it is; the message says which key and why."""


def _flatten(table: Mapping[str, object], prefix: str = "") -> Iterator[tuple[str, object]]:
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _flatten(value, f"{path}.")
        else:
            yield path, value


def _placeholders(template: str, where: str) -> frozenset[str]:
    """The names a template fills in; CatalogueError for a template str.format refuses."""
    names: set[str] = set()
    try:
        for _, field, _, _ in _FORMATTER.parse(template):
            if field is None:
                continue
            name, bar, written = field.partition("|")
            if bar and not is_particle(written.removeprefix("~")):
                raise CatalogueError(f"{where}: {{{field}}} is not a known particle")
            # Only plain names: the code passes keyword arguments, never positions or lookups.
            if not name.isidentifier():
                raise CatalogueError(f"{where}: placeholder {{{field}}} is not a plain name")
            names.add(name)
    except ValueError as error:
        raise CatalogueError(f"{where}: {error}") from None
    return frozenset(names)


def _load(language: str) -> dict[str, str]:
    name = f"{language}.toml"
    try:
        with resources.files(__name__).joinpath(name).open("rb") as file:
            tree = tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        raise CatalogueError(f"{name}: {error}") from None
    messages: dict[str, str] = {}
    for key, value in _flatten(tree):
        if not isinstance(value, str):
            raise CatalogueError(f"{name}: {key} is a {type(value).__name__}, not text")
        messages[key] = value
    return messages


def _check(catalogues: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, frozenset[str]]]:
    """Placeholders of every key in every language, once both catalogues agree."""
    reference = catalogues[DEFAULT_LANGUAGE]
    found: dict[str, dict[str, frozenset[str]]] = {}
    for language, messages in catalogues.items():
        missing = sorted(reference.keys() - messages.keys())
        extra = sorted(messages.keys() - reference.keys())
        if missing or extra:
            raise CatalogueError(
                f"{language}.toml: missing {missing or 'nothing'}, not in "
                f"{DEFAULT_LANGUAGE}.toml {extra or 'nothing'}"
            )
        found[language] = {
            key: _placeholders(template, f"{language}.toml: {key}")
            for key, template in messages.items()
        }
    for key, names in found[DEFAULT_LANGUAGE].items():
        for language in LANGUAGES:
            if found[language][key] != names:
                raise CatalogueError(
                    f"{language}.toml: {key} fills {sorted(found[language][key])}, "
                    f"{DEFAULT_LANGUAGE}.toml fills {sorted(names)}"
                )
    return found


_CATALOGUES: dict[str, dict[str, str]] = {language: _load(language) for language in LANGUAGES}
_PLACEHOLDERS = _check(_CATALOGUES)[DEFAULT_LANGUAGE]


def all_keys() -> frozenset[str]:
    """Every key; both catalogues have exactly these."""
    return frozenset(_CATALOGUES[DEFAULT_LANGUAGE])


def placeholders(key: str) -> frozenset[str]:
    """The names ``key`` fills in (the same in every language)."""
    return _PLACEHOLDERS[key]


def template(language: str, key: str) -> str | None:
    """The raw template of ``key``, or None when there is no such key."""
    return _CATALOGUES.get(language, _CATALOGUES[DEFAULT_LANGUAGE]).get(key)


def t(language: str, key: str, **params: object) -> str:
    """The text ``key`` in ``language`` (English for a language without a catalogue),
    filled with ``params``. KeyError for an unknown key or a missing parameter."""
    messages = _CATALOGUES.get(language, _CATALOGUES[DEFAULT_LANGUAGE])
    text = messages[key]
    return _FORMATTER.vformat(text, (), params) if "|" in text else text.format(**params)
