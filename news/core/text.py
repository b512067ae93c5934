"""Pure text helpers shared by recognition, parsing, search and display: the one truncator."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

# Hangul Jamo, Compatibility Jamo, Jamo Extended-A, Syllables, Jamo Extended-B.
_HANGUL_RANGES = (
    ("\u1100", "\u11ff"),
    ("\u3130", "\u318f"),
    ("\ua960", "\ua97f"),
    ("\uac00", "\ud7a3"),
    ("\ud7b0", "\ud7ff"),
)
_FIRST_HANGUL = _HANGUL_RANGES[0][0]
_SYLLABLES_FIRST, _SYLLABLES_LAST = _HANGUL_RANGES[3]

# The same ranges as a regular-expression character class, for callers that scan with `re`.
HANGUL_CLASS = "[" + "".join(f"{low}-{high}" for low, high in _HANGUL_RANGES) + "]"

# A Hangul syllable carries about as much as two Latin letters, so it counts twice.
_HANGUL_WEIGHT = 2
# Korean headlines are full of Latin names (OpenAI, GPU, HBM): a quarter of the weighted
# letters being Hangul already means the sentence itself is Korean.
_KOREAN_SHARE = 0.25


ELLIPSIS = "…"
# A sentence ends at . ! ? or their full-width forms followed by a space or the end.
_SENTENCE_END = re.compile(r"[.!?。！？](?=\s|$)")
_LAST_SPACE = re.compile(r"\s(?=\S*$)")

_HANGUL_CHAR = re.compile(HANGUL_CLASS)
_LETTER = re.compile(r"[^\W\d_]")


def is_hangul(ch: str) -> bool:
    """True when `ch` is a single Hangul syllable or jamo."""
    if len(ch) != 1 or ch < _FIRST_HANGUL:
        return False  # the quick answer for ASCII, which recognizers ask about most
    if _SYLLABLES_FIRST <= ch <= _SYLLABLES_LAST:
        return True
    return any(low <= ch <= high for low, high in _HANGUL_RANGES)


def normalize(text: str) -> str:
    """The form used to compare names: NFKC, case-folded, whitespace collapsed and trimmed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def detect_language(text: str) -> str:
    """ "ko" when Hangul is a meaningful share of the letters in `text`, else "en"."""
    # Counting with the regex engine keeps this off the import's hot path (a Python loop
    # over every character cost as much as recognising the companies).
    hangul = len(_HANGUL_CHAR.findall(text))
    other = len(_LETTER.findall(text)) - hangul
    weighted = hangul * _HANGUL_WEIGHT
    if weighted and weighted >= _KOREAN_SHARE * (weighted + other):
        return "ko"
    return "en"


REPLACEMENT = "\ufffd"
# What outside text may not carry into the archive or onto a terminal: C0 controls but tab
# and newline, DEL, C1 controls, and lone surrogates (they cannot be encoded as UTF-8).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_CARRIAGE_RETURN = re.compile("\r\n?")


def clean_text(text: str) -> str:
    """Text from outside (feeds, files, pages) made safe to store and print, once, where it
    enters: line ends become "\\n", and control characters (tab and newline excepted) and
    lone surrogates become U+FFFD."""
    if "\r" in text:
        text = _CARRIAGE_RETURN.sub("\n", text)
    return _UNSAFE.sub(REPLACEMENT, text)


class Cut(StrEnum):
    """Where :func:`truncate` may cut."""

    CHARACTER = "character"  # anywhere: labels and fields with a hard limit
    WORD = "word"  # at the end of a word: feed titles and summaries
    SENTENCE = "sentence"  # at the end of a sentence, else of a word: commentary


def truncate(text: str, limit: int, *, at: Cut = Cut.CHARACTER) -> str:
    """``text`` in at most ``limit`` characters, marked with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    room = text[: limit - 1]  # one character stays free for the ellipsis
    if at is Cut.CHARACTER:
        return room + ELLIPSIS
    # A cut that throws away most of the room reads worse than a cut inside a word.
    enough = len(room) // 2
    if at is Cut.SENTENCE:
        # The search may look one character past the room, to see whether a full stop ends
        # a sentence or sits inside a number such as 3.5.
        ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, limit) if m.end() <= len(room)]
        if ends and ends[-1] >= enough:
            return room[: ends[-1]] + ELLIPSIS
    if text[len(room)].isspace():
        return room.rstrip() + ELLIPSIS
    space = _LAST_SPACE.search(room)
    cut = room[: space.start()] if space and space.start() >= enough else room
    return cut.rstrip() + ELLIPSIS
