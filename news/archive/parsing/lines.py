"""Numbered, normalised lines: the common input of every layout reader."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

# Characters that take no room on screen but break matching (a BOM or zero-width space before
# a bullet hides it from a naive "starts with" test); they are deleted.
_INVISIBLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069"
    "\u206a\u206b\u206c\u206d\u206e\u206f\u3164\ufeff\uffa0\ufff9\ufffa\ufffb\ufffc"
    + "".join(chr(code) for code in range(0xFE00, 0xFE10))
)
# Every kind of space (no-break, ideographic, thin …) becomes a plain space, so indentation
# and word splitting behave the same whatever the editor or the web page used.
_SPACES = "\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000" + "".join(
    chr(code) for code in range(0x2000, 0x200B)
)
_TAB_WIDTH = 4


class LineHint(StrEnum):
    """What an HTML element already told us about a line; plain text carries no hints.

    The value is the reason reported when the line is skipped.
    """

    CAPTION = "photo caption"
    CODE = "not news (prompt or code)"
    NAVIGATION = "navigation"
    PAGE_FOOTER = "page footer"
    COMMENT = "html comment"
    MARKUP = "html markup"


@dataclass(frozen=True, slots=True)
class SourceLine:
    line_no: int  # 1-based, counted in the text the user gave
    indent: int  # leading spaces after normalisation; a tab counts four
    text: str  # normalised and stripped; "" for a blank line
    hint: LineHint | None = None


def _translation_table() -> dict[int, str | None]:
    deleted = [*range(0x20), *range(0x7F, 0xA0), *map(ord, _INVISIBLE)]
    table: dict[int, str | None] = dict.fromkeys(deleted)
    table.update({ord(char): " " for char in _SPACES})
    table[ord("\t")] = " " * _TAB_WIDTH
    del table[ord("\n")]
    return table


_TABLE = _translation_table()
# Any character the table changes. Most articles hold none, and finding that out with the
# regex engine costs far less than str.translate's dictionary lookup of every character.
_TRANSLATED = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(_TABLE)) + "]")
# C0 controls other than the white space ones (tab, newline, vertical tab, form feed, CR).
_STRANGE_CONTROL = re.compile("[\x00-\x08\x0e-\x1f]")


def normalise(text: str) -> str:
    """Delete invisible and control characters and turn every space into ' ' (keeps '\\n')."""
    if _TRANSLATED.search(text) is None:
        return text
    return text.translate(_TABLE)


def make_line(line_no: int, text: str, hint: LineHint | None = None) -> SourceLine:
    """A line from text that is already normalised."""
    content = text.lstrip(" ")
    return SourceLine(line_no, len(text) - len(content), content.rstrip(" "), hint)


def split_lines(text: str) -> list[SourceLine]:
    """Number the lines as an editor does (CRLF, CR and LF all end a line) and normalise them."""
    unified = normalise(text.replace("\r\n", "\n").replace("\r", "\n"))
    return [make_line(number, raw) for number, raw in enumerate(unified.split("\n"), start=1)]


def looks_binary(text: str) -> bool:
    """True for NUL bytes or a text where control characters are common: not an article."""
    sample = text[:8192]
    if "\x00" in sample:
        return True
    strange = len(_STRANGE_CONTROL.findall(sample))
    strange += sample.count("\ufffd")
    return strange * 20 > len(sample)
