"""Ranking names for look-ups and autocomplete: exact, prefix, substring, then look-alikes."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Sequence

from news.core.text import normalize, truncate

# Discord caps an autocomplete choice's name and value at 100 characters.
CHOICE_TEXT_LIMIT = 100

# How alike (difflib ratio over Hangul letters) a name must be to be suggested.
_FUZZY_CUTOFF = 0.6


def compact(name: str) -> str:
    """Normalised and without spaces, so "Open AI" and "OpenAI" compare equal."""
    return normalize(name).replace(" ", "")


def jamo(text: str) -> str:
    """Hangul split into letters, so one wrong vowel costs one letter, not a syllable."""
    return unicodedata.normalize("NFD", text)


def ranked(query: str, names: Sequence[tuple[str, int]], count: int) -> list[int]:
    """Item indexes whose names match `query`: exact, then prefix, then substring.

    Within a tier the shorter name wins (it is closer to what was typed), then the item
    order, which is alphabetical. An empty query lists all `count` items in that order.
    """
    if not query:
        return list(range(count))
    best: dict[int, tuple[int, int]] = {}
    for name, index in names:
        tier = _match_tier(query, name)
        if tier is not None:
            rank = (tier, len(name))
            best[index] = min(rank, best.get(index, rank))
    return sorted(best, key=lambda index: (best[index], index))


def _match_tier(query: str, name: str) -> int | None:
    if name == query:
        return 0
    if name.startswith(query):
        return 1
    if query in name:
        return 2
    return None


def closest(
    query: str, names: Sequence[tuple[str, int]], fuzzy_names: Sequence[tuple[str, int]]
) -> list[int]:
    """Prefix and substring hits first (either way round), then spelling look-alikes."""
    hits = ranked(query, names, 0)
    hits += [index for name, index in names if len(name) > 1 and name in query]
    hits += _look_alikes(jamo(query), fuzzy_names)
    return list(dict.fromkeys(hits))


def _look_alikes(query: str, names: Sequence[tuple[str, int]]) -> list[int]:
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(query)  # the matcher caches its analysis of the second sequence
    scores: dict[int, float] = {}
    for name, index in names:
        matcher.set_seq1(name)
        if matcher.real_quick_ratio() < _FUZZY_CUTOFF or matcher.quick_ratio() < _FUZZY_CUTOFF:
            continue
        score = matcher.ratio()
        if score >= _FUZZY_CUTOFF and score > scores.get(index, 0.0):
            scores[index] = score
    return sorted(scores, key=lambda index: (-scores[index], index))


def choice_label(name: str, other_name: str) -> str:
    """ "마이크로소프트 (Microsoft)", or the name alone when both are the same; ≤ 100 chars."""
    same = not other_name.strip() or normalize(name) == normalize(other_name)
    label = name if same else f"{name} ({other_name})"
    return truncate(label, CHOICE_TEXT_LIMIT)
