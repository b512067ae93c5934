"""Inline Markdown (links, emphasis, escapes, inline HTML) turned into plain text.

Everything here runs in time linear in the line's length: brackets are paired with a stack in
one pass instead of regular expressions that could backtrack on a pathological line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_STRUCTURAL = re.compile(r"[\\\[\]()]")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_INLINE_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
# What is left of a tag cut off at the end of the text ('… <a target="_blank"').
_TAG_TAIL = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?$")
# Scraped newsletters glue bold runs to the next word ("Microsoft**with"); a space keeps the
# two words apart once the markers are gone.
_GLUED_EMPHASIS = re.compile(r"(?<=[A-Za-z0-9.,;:!?)])(?:\*\*|__)+(?=[A-Za-z0-9(])")
_EMPHASIS = re.compile(r"\*+|~~|`+|(?<!\w)_+|_+(?!\w)")
_MAX_LINK_NESTING = 2


@dataclass(frozen=True, slots=True)
class Link:
    text: str  # the raw Markdown between the brackets
    url: str
    start: int  # span of the whole link in its line; an image's "!" included
    end: int
    is_image: bool


def _matching_brackets(text: str) -> tuple[dict[int, int], dict[int, int]]:
    """Map each opening square bracket and parenthesis to the one that closes it."""
    squares: dict[int, int] = {}
    rounds: dict[int, int] = {}
    open_squares: list[int] = []
    open_rounds: list[int] = []
    escaped_at = -1
    for match in _STRUCTURAL.finditer(text):
        index = match.start()
        if index == escaped_at:
            continue
        char = text[index]
        if char == "\\":
            escaped_at = index + 1
        elif char == "[":
            open_squares.append(index)
        elif char == "(":
            open_rounds.append(index)
        elif char == "]" and open_squares:
            squares[open_squares.pop()] = index
        elif char == ")" and open_rounds:
            rounds[open_rounds.pop()] = index
    return squares, rounds


def _link_url(target: str) -> str:
    """The URL of ``(url "title")`` or ``(<url>)``, with Markdown escapes such as ``\\&`` undone."""
    target = target.strip()
    if target.startswith("<") and ">" in target:
        url = target[1 : target.index(">")]
    else:
        url = target.split(maxsplit=1)[0] if target else ""
    if url.startswith("{") and url.endswith("}"):
        url = url[1:-1]  # "({https://…})": a template's placeholder braces left in
    return _unescape(url)


def _unescape(text: str) -> str:
    return _ESCAPED.sub(_escaped_char, text) if "\\" in text else text


def _escaped_char(match: re.Match[str]) -> str:
    return match.group(1)


def find_links(text: str) -> list[Link]:
    """Every outermost ``[text](url)`` and ``![alt](src)``, in order."""
    if "](" not in text:
        return []
    squares, rounds = _matching_brackets(text)
    links: list[Link] = []
    resume_at = 0
    for opening in sorted(squares):
        closing = squares[opening]
        target_end = rounds.get(closing + 1)
        if opening < resume_at or target_end is None:
            continue
        is_image = opening > 0 and text[opening - 1] == "!"
        start = opening - 1 if is_image else opening
        url = _link_url(text[closing + 2 : target_end])
        links.append(Link(text[opening + 1 : closing], url, start, target_end + 1, is_image))
        resume_at = target_end + 1
    return links


def _is_ascii_word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _spaced(inner: str, text: str, link: Link) -> str:
    """The link's text, with a space where the source glued it to an English word."""
    if not inner:
        return inner
    before = text[link.start - 1] if link.start > 0 else " "
    after = text[link.end] if link.end < len(text) else " "
    prefix = " " if _is_ascii_word_char(before) and _is_ascii_word_char(inner[0]) else ""
    suffix = " " if _is_ascii_word_char(after) and _is_ascii_word_char(inner[-1]) else ""
    return f"{prefix}{inner}{suffix}"


def _replace_links(text: str, depth: int = 0) -> str:
    links = find_links(text)
    if not links:
        return text
    pieces: list[str] = []
    position = 0
    for link in links:
        pieces.append(text[position : link.start])
        if not link.is_image:
            inner = link.text
            if depth < _MAX_LINK_NESTING:
                inner = _replace_links(inner, depth + 1)
            pieces.append(_spaced(inner.strip(), text, link))
        position = link.end
    pieces.append(text[position:])
    return "".join(pieces)


def plain_text(markdown: str) -> str:
    """Links become their text, images vanish, emphasis, escapes and tags go; spaces collapse."""
    text = markdown
    if "\\" in text:
        # "\*\*" is how some exporters write bold; treat it as the bold it was meant to be.
        text = text.replace("\\*", "*").replace("\\_", "_")
    text = _replace_links(text)
    if "<" in text:
        text = _TAG_TAIL.sub(" ", _INLINE_TAG.sub(" ", text))
    if "*" in text or "_" in text or "~" in text or "`" in text:
        text = _EMPHASIS.sub("", _GLUED_EMPHASIS.sub(" ", text))
    return " ".join(_unescape(text).split())


def leading_link(text: str) -> tuple[Link, str] | None:
    """The link a line starts with (emphasis markers before it allowed) and the text after it."""
    text = text.replace("\\*", "*")
    start = len(text) - len(text.lstrip(" *_"))
    if not text.startswith("[", start):
        return None
    links = find_links(text[start:])
    if not links or links[0].start != 0 or links[0].is_image:
        return None
    return links[0], text[start + links[0].end :]
