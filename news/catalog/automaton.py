"""The automaton that finds every name of a list in a text in one pass (the recognisers'
companies, topic keywords and exclusions, and the relevance vocabulary)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, TypeVar

import ahocorasick

from news.core.text import is_hangul
from news.language.korean import KoreanAnalyser

V = TypeVar("V")


class NameAutomaton(Generic[V]):
    """Names (lower-cased) with a value each, all found in one pass over the text.

    An Aho-Corasick automaton (C code) reports every occurrence at once; only the few it
    reports are then checked against the word rules in Python, which keeps a headline at a
    few microseconds however long the lists grow.
    """

    def __init__(
        self, names: Iterable[tuple[str, V]], analyser: KoreanAnalyser, *, inside_words: bool
    ) -> None:
        self._automaton = ahocorasick.Automaton()
        for name, value in names:
            if name:
                self._automaton.add_word(name, (len(name), value))
        self._empty = len(self._automaton) == 0
        if not self._empty:
            self._automaton.make_automaton()
        self._analyser = analyser
        self._inside_words = inside_words

    def occurrences(self, folded: str) -> list[tuple[int, int, V]]:
        """(start, end, value) of each name beginning at a word start, by start, longest first.

        A word start: no Hangul before a Hangul name (unless names may begin inside a
        compound, where the analyser finds a noun before them), no Latin letter or digit
        before a Latin one.
        """
        if self._empty:
            return []
        found = [
            (last + 1 - length, last + 1, value)
            for last, (length, value) in self._automaton.iter(folded)
            if self._starts_word(folded, last + 1 - length)
        ]
        found.sort(key=lambda hit: (hit[0], -hit[1]))
        return found

    def _starts_word(self, text: str, start: int) -> bool:
        if start == 0:
            return True
        first, before = text[start], text[start - 1]
        if is_hangul(first):
            if not is_hangul(before):
                return True
            return self._inside_words and self._analyser.starts_word(text, start)
        # A Latin word, or a name that opens with a sign (.NET, #hashtag): not inside a word
        # (att.net is a domain, not .NET).
        return not is_ascii_alnum(before)


def is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()
