"""The message catalogues: both languages say the same things, and every text the code asks
for is there.

Error codes are found by reading the sources (bot/, cogs/, news/, db/): each construction of a
domain error names its code as a string literal, so this test can see every one of them."""

from __future__ import annotations

import ast
import pickle
import string
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

import locales
from locales import ENGLISH, KOREAN, LANGUAGES, CatalogueError
from news.core.errors import InvalidInput, NotFound, RoundupError
from news.feeds.fetching import HttpStatusError

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("bot", "cogs", "news", "db")
BASE_ERRORS = {"RoundupError", "InvalidInput", "NotFound", "ImportRejected"}


def _catalogue_file(language: str) -> dict[str, str]:
    with (ROOT / "locales" / f"{language}.toml").open("rb") as file:
        return dict(_leaves(tomllib.load(file)))


def _leaves(table: dict[str, object], prefix: str = "") -> Iterator[tuple[str, str]]:
    for key, value in table.items():
        if isinstance(value, dict):
            yield from _leaves(value, f"{prefix}{key}.")
        else:
            assert isinstance(value, str), f"{prefix}{key}"
            yield f"{prefix}{key}", value


def _fields(template: str) -> set[str]:
    """The names a template fills in (``{name|을}`` fills ``name``)."""
    return {
        field.partition("|")[0]
        for _, field, _, _ in string.Formatter().parse(template)
        if field is not None
    }


def _trees() -> Iterator[tuple[Path, ast.Module]]:
    for package in SOURCES:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def _error_classes(trees: list[tuple[Path, ast.Module]]) -> tuple[set[str], set[str]]:
    """Names of the domain error classes, and those that build their code in ``__init__``."""
    classes = set(BASE_ERRORS)
    own_init: set[str] = set()
    grew = True
    while grew:
        grew = False
        for _, tree in trees:
            for node in ast.walk(tree):
                if not isinstance(node, ast.ClassDef) or node.name in classes:
                    continue
                if any(isinstance(base, ast.Name) and base.id in classes for base in node.bases):
                    classes.add(node.name)
                    grew = True
    for _, tree in trees:
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.ClassDef)
                and node.name in classes - BASE_ERRORS
                and any(isinstance(i, ast.FunctionDef) and i.name == "__init__" for i in node.body)
            ):
                own_init.add(node.name)
    return classes, own_init


def _is_super_init(call: ast.Call) -> bool:
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "__init__"
        and isinstance(func.value, ast.Call)
        and isinstance(func.value.func, ast.Name)
        and func.value.func.id == "super"
    )


def _raised_codes() -> dict[str, list[str]]:
    """Every error code the code base constructs, with where: calls of the error classes
    that take a code, and the ``super().__init__`` of those that build their own."""
    trees = list(_trees())
    classes, own_init = _error_classes(trees)
    found: list[tuple[Path, ast.Call]] = []
    for path, tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                if node.func.id in classes - own_init:
                    found.append((path, node))
            elif isinstance(node, ast.ClassDef) and node.name in classes - BASE_ERRORS:
                calls = (n for n in ast.walk(node) if isinstance(n, ast.Call))
                found += [(path, call) for call in calls if _is_super_init(call)]
    codes: dict[str, list[str]] = {}
    for path, call in found:
        where = f"{path.relative_to(ROOT)}:{call.lineno}"
        first = call.args[0] if call.args else None
        assert isinstance(first, ast.Constant) and isinstance(first.value, str), (
            f"{where}: an error's code must be a string literal, so it can be checked"
        )
        codes.setdefault(first.value, []).append(where)
    return codes


def _literal_calls(name: str, position: int) -> Iterator[tuple[str, str]]:
    """The string literal at ``position`` of every call to a function called ``name``."""
    for path, tree in _trees():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == name
                and len(node.args) > position
            ):
                argument = node.args[position]
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    yield argument.value, f"{path.relative_to(ROOT)}:{node.lineno}"


def test_both_catalogues_have_the_same_keys() -> None:
    english, korean = _catalogue_file(ENGLISH), _catalogue_file(KOREAN)

    assert sorted(english.keys() - korean.keys()) == []
    assert sorted(korean.keys() - english.keys()) == []


def test_every_text_fills_the_same_placeholders_in_both_languages() -> None:
    english, korean = _catalogue_file(ENGLISH), _catalogue_file(KOREAN)

    differing = [key for key in english if _fields(english[key]) != _fields(korean[key])]

    assert differing == []


def test_the_korean_catalogue_is_korean() -> None:
    english, korean = _catalogue_file(ENGLISH), _catalogue_file(KOREAN)
    # Commands keep some English words (OPML, DM); replies and errors are written in Korean.
    same_in_both = {"replies.delivery_dm"}

    untranslated = [
        key
        for key, value in korean.items()
        if key.startswith(("replies.", "errors.")) and value == english[key]
    ]

    assert sorted(set(untranslated) - same_in_both) == []


def test_every_error_code_in_the_code_base_has_a_text_in_both_languages() -> None:
    codes = _raised_codes()

    missing = {
        code: places
        for code, places in codes.items()
        if any(locales.template(language, f"errors.{code}") is None for language in LANGUAGES)
    }

    assert missing == {}


def test_every_error_text_belongs_to_a_code_the_code_base_raises() -> None:
    codes = _raised_codes()

    unused = sorted(
        key.removeprefix("errors.")
        for key in locales.all_keys()
        if key.startswith("errors.") and key.removeprefix("errors.") not in codes
    )

    assert unused == []


def test_the_source_scan_finds_the_errors_it_must() -> None:
    codes = _raised_codes()

    # One of each kind of site: a direct raise, a subclass's own __init__, a returned error.
    assert {"week.invalid", "fetch.timeout", "digest.not_configured"} <= codes.keys()


def test_every_reply_the_cogs_ask_for_exists() -> None:
    asked = [(f"replies.{key}", where) for key, where in _literal_calls("text", 1)]
    asked += list(_literal_calls("t", 1)) + list(_literal_calls("english", 0))

    missing = [(key, where) for key, where in asked if key not in locales.all_keys()]

    assert missing == []


def test_an_error_reads_in_english_and_in_korean() -> None:
    error = InvalidInput("week.invalid", text="2026-W99x")

    assert str(error) == "'2026-W99x' is not a week: write it like 2026-W48."
    assert error.message_in(KOREAN) == "'2026-W99x'는 주가 아닙니다. 2026-W48처럼 적어 주세요."
    assert (error.code, error.params) == ("week.invalid", {"text": "2026-W99x"})


def test_an_error_in_a_language_without_a_catalogue_reads_in_english() -> None:
    error = NotFound("alerts.subscription_gone")

    assert error.message_in("ja") == str(error) == "That subscription is gone already."


def test_an_error_survives_pickling_with_its_code_and_attributes() -> None:
    error = HttpStatusError(503)

    copy = pickle.loads(pickle.dumps(error))

    assert type(copy) is HttpStatusError
    assert (copy.code, copy.params, copy.status) == ("fetch.http_status", {"status": 503}, 503)
    assert str(copy) == str(error)


def test_an_unknown_error_code_fails_where_it_is_raised() -> None:
    with pytest.raises(KeyError):
        RoundupError("no.such_code")


def test_a_catalogue_with_a_missing_key_is_refused() -> None:
    catalogues = {ENGLISH: {"a": "x", "b": "y"}, KOREAN: {"a": "x"}}

    with pytest.raises(CatalogueError, match="missing \\['b'\\]"):
        locales._check(catalogues)


def test_a_catalogue_with_other_placeholders_is_refused() -> None:
    catalogues = {ENGLISH: {"a": "{name} left"}, KOREAN: {"a": "{nmae} 나감"}}

    with pytest.raises(CatalogueError, match="a fills"):
        locales._check(catalogues)


def test_a_template_that_cannot_be_filled_is_refused() -> None:
    catalogues = {ENGLISH: {"a": "{name"}, KOREAN: {"a": "{name"}}

    with pytest.raises(CatalogueError, match="a:"):
        locales._check(catalogues)


def test_a_positional_placeholder_is_refused() -> None:
    catalogues = {ENGLISH: {"a": "{0} left"}, KOREAN: {"a": "{0} 나감"}}

    with pytest.raises(CatalogueError, match="not a plain name"):
        locales._check(catalogues)
