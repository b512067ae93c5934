"""The limits Discord enforces on what a bot sends, as API errors with Discord's codes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from testkit.fake_discord.models import JSON

CONTENT_LIMIT = 2000
EMBEDS_PER_MESSAGE = 10
EMBED_TOTAL_LIMIT = 6000
EMBED_FIELDS_LIMIT = 25
EMBED_TEXT_LIMITS = {"title": 256, "description": 4096}
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
AUTHOR_LIMIT = 256
CHOICES_LIMIT = 25
CHOICE_TEXT_LIMIT = 100
COMMAND_NAME_LIMIT = 32
COMMAND_DESCRIPTION_LIMIT = 100
OPTIONS_LIMIT = 25

# One problem found in a request body: where (a path of keys and indexes), code, message.
Problem = tuple[tuple[str | int, ...], str, str]


class ApiError(Exception):
    """An error response, shaped like Discord's: ``{"code", "message", "errors"?}``."""

    def __init__(self, status: int, code: int, message: str, errors: JSON | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> JSON:
        body: JSON = {"code": self.code, "message": self.message}
        if self.errors is not None:
            body["errors"] = self.errors
        return body


def invalid_form_body(problems: Iterable[Problem]) -> ApiError:
    """50035 with Discord's nested ``errors`` tree, which discord.py flattens into its text."""
    tree: JSON = {}
    for path, code, message in problems:
        node = tree
        for key in path:
            node = node.setdefault(str(key), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})
    return ApiError(400, 50035, "Invalid Form Body", tree)


def raise_if_any(problems: list[Problem]) -> None:
    if problems:
        raise invalid_form_body(problems)


def too_long(path: tuple[str | int, ...], limit: int) -> Problem:
    return path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length."


def check_message_limits(payload: JSON, prefix: tuple[str | int, ...] = ()) -> None:
    """Content and embed limits of a message body (a send, an edit or an interaction reply)."""
    problems = list(_content_problems(payload, prefix))
    problems.extend(_embed_problems(payload.get("embeds") or [], (*prefix, "embeds")))
    raise_if_any(problems)


def _content_problems(payload: JSON, prefix: tuple[str | int, ...]) -> Iterator[Problem]:
    content = payload.get("content")
    if isinstance(content, str) and len(content) > CONTENT_LIMIT:
        yield too_long((*prefix, "content"), CONTENT_LIMIT)


def _embed_problems(embeds: list[JSON], prefix: tuple[str | int, ...]) -> Iterator[Problem]:
    if len(embeds) > EMBEDS_PER_MESSAGE:
        yield prefix, "BASE_TYPE_MAX_LENGTH", f"Must be {EMBEDS_PER_MESSAGE} or fewer in length."
    total = 0
    for index, embed in enumerate(embeds):
        yield from _single_embed_problems(embed, (*prefix, index))
        total += embed_length(embed)
    if total > EMBED_TOTAL_LIMIT:
        yield prefix, "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000"


def _single_embed_problems(embed: JSON, path: tuple[str | int, ...]) -> Iterator[Problem]:
    for key, limit in EMBED_TEXT_LIMITS.items():
        if len(embed.get(key) or "") > limit:
            yield too_long((*path, key), limit)
    if len((embed.get("footer") or {}).get("text") or "") > FOOTER_LIMIT:
        yield too_long((*path, "footer", "text"), FOOTER_LIMIT)
    if len((embed.get("author") or {}).get("name") or "") > AUTHOR_LIMIT:
        yield too_long((*path, "author", "name"), AUTHOR_LIMIT)
    fields = embed.get("fields") or []
    if len(fields) > EMBED_FIELDS_LIMIT:
        yield too_long((*path, "fields"), EMBED_FIELDS_LIMIT)
    for index, embed_field in enumerate(fields):
        yield from _field_problems(embed_field, (*path, "fields", index))


def _field_problems(embed_field: JSON, path: tuple[str | int, ...]) -> Iterator[Problem]:
    for key, limit in (("name", FIELD_NAME_LIMIT), ("value", FIELD_VALUE_LIMIT)):
        text = embed_field.get(key)
        if not text:
            yield (*path, key), "BASE_TYPE_REQUIRED", "This field is required"
        elif len(text) > limit:
            yield too_long((*path, key), limit)


def embed_length(embed: JSON) -> int:
    """The characters Discord counts towards the 6,000 total of a message's embeds."""
    texts = [
        embed.get("title"),
        embed.get("description"),
        (embed.get("footer") or {}).get("text"),
        (embed.get("author") or {}).get("name"),
    ]
    for embed_field in embed.get("fields") or []:
        texts.extend([embed_field.get("name"), embed_field.get("value")])
    return sum(len(text) for text in texts if text)


def check_not_empty(message: JSON) -> None:
    """50006: a message needs content, an embed, a file, a component, a sticker or a poll."""
    has_content = bool((message.get("content") or "").strip())
    keys = ("embeds", "attachments", "components", "sticker_ids", "poll")
    if not has_content and not any(message.get(key) for key in keys):
        raise ApiError(400, 50006, "Cannot send an empty message")


def check_choices(data: JSON) -> None:
    """Autocomplete answers: at most 25 choices, names and string values of 1-100 characters."""
    choices: list[JSON] = data.get("choices") or []
    problems: list[Problem] = []
    if len(choices) > CHOICES_LIMIT:
        problems.append(too_long(("data", "choices"), CHOICES_LIMIT))
    for index, choice in enumerate(choices):
        problems.extend(_choice_problems(choice, ("data", "choices", index)))
    raise_if_any(problems)


def _choice_problems(choice: JSON, path: tuple[str | int, ...]) -> Iterator[Problem]:
    name = choice.get("name") or ""
    if not 1 <= len(name) <= CHOICE_TEXT_LIMIT:
        yield (*path, "name"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."
    value = choice.get("value")
    if isinstance(value, str) and len(value) > CHOICE_TEXT_LIMIT:
        yield too_long((*path, "value"), CHOICE_TEXT_LIMIT)


def check_commands(commands: list[JSON]) -> None:
    """The registration rules discord.py does not check itself (localisations above all)."""
    problems: list[Problem] = []
    seen: set[tuple[str, int]] = set()
    for index, command in enumerate(commands):
        key = (str(command.get("name")), int(command.get("type", 1)))
        if key in seen:
            problems.append(((index, "name"), "APPLICATION_COMMANDS_DUPLICATE_NAME", "Duplicate"))
        seen.add(key)
        problems.extend(_command_problems(command, (index,), slash=key[1] == 1))
    raise_if_any(problems)


def _command_problems(
    command: JSON, path: tuple[str | int, ...], *, slash: bool
) -> Iterator[Problem]:
    yield from _name_problems(command, path, lowercase=slash)
    if slash:
        yield from _description_problems(command, path)
    options: list[JSON] = command.get("options") or []
    if len(options) > OPTIONS_LIMIT:
        yield too_long((*path, "options"), OPTIONS_LIMIT)
    yield from _required_order_problems(options, (*path, "options"))
    for index, option in enumerate(options):
        yield from _command_problems(option, (*path, "options", index), slash=True)
        yield from _option_choice_problems(option, (*path, "options", index))


def _texts_with_localizations(entity: JSON, key: str) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield (key,), entity.get(key)
    for locale, text in (entity.get(f"{key}_localizations") or {}).items():
        yield (f"{key}_localizations", locale), text


def _name_problems(
    command: JSON, path: tuple[str | int, ...], *, lowercase: bool
) -> Iterator[Problem]:
    for where, name in _texts_with_localizations(command, "name"):
        if not _valid_command_name(name, lowercase=lowercase):
            yield (*path, *where), "APPLICATION_COMMAND_INVALID_NAME", f"Invalid name {name!r}"


def _valid_command_name(name: Any, *, lowercase: bool) -> bool:
    if not isinstance(name, str) or not 1 <= len(name) <= COMMAND_NAME_LIMIT:
        return False
    if lowercase and name != name.lower():
        return False
    allowed_punctuation = "-_" if lowercase else "-_ '"
    return all(char.isalnum() or char in allowed_punctuation for char in name)


def _description_problems(command: JSON, path: tuple[str | int, ...]) -> Iterator[Problem]:
    for where, text in _texts_with_localizations(command, "description"):
        if not isinstance(text, str) or not 1 <= len(text) <= COMMAND_DESCRIPTION_LIMIT:
            yield (*path, *where), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."


def _required_order_problems(options: list[JSON], path: tuple[str | int, ...]) -> Iterator[Problem]:
    seen_optional = False
    for index, option in enumerate(options):
        if option.get("required"):
            if seen_optional:
                yield (
                    (*path, index),
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            seen_optional = True


def _option_choice_problems(option: JSON, path: tuple[str | int, ...]) -> Iterator[Problem]:
    choices: list[JSON] = option.get("choices") or []
    if len(choices) > CHOICES_LIMIT:
        yield too_long((*path, "choices"), CHOICES_LIMIT)
    for index, choice in enumerate(choices):
        yield from _choice_problems(choice, (*path, "choices", index))
