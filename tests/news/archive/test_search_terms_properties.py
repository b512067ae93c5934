"""phrase_in makes terms only around where a phrase can start: it must say what the plain
definition says, a substring test over the terms of the whole text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from news.archive.search_terms import Unit, phrase_in, search_units, text_terms

# Korean, Latin, the single characters and separators where terms begin and end, and forms
# that folding changes (full-width letters, a decomposed accent, ß, a middle dot inside kana).
_PIECES = [
    *"보안취약점칩가는漢カㄱ・ß",
    "AI",
    "ai",
    "chip",
    "chips",
    "open",
    "model",
    "ＡＩ",
    "e\u0301",
    "12",
    " ",
    "  ",
    "\n",
    "\u3000",
    ",",
    ".",
    "-",
    "_",
]
_QUERIES = [
    '"AI 칩"',
    '"보안 취약점"',
    '"open model"',
    '"AI chip"',
    '"안 취"',
    '"점 칩"',
    '"ai-chip"',
]
_UNITS = [unit for query in _QUERIES for unit in search_units(query).phrases]


def _by_definition(text: str, unit: Unit) -> bool:
    terms = "\0" + "\0".join(text_terms(text)) + "\0"
    return any("\0" + "\0".join(p.terms) + ("" if p.prefix else "\0") in terms for p in unit)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_phrase_in_agrees_with_the_terms_of_the_whole_text(text: str) -> None:
    for unit in _UNITS:
        assert phrase_in(text, unit) == _by_definition(text, unit)


def test_a_phrase_across_words_is_found_in_a_paragraph() -> None:
    summary = "회사는 이번 주에 스마트폰 보안 취약점을 고쳤다. The AI chips ship later."
    found = [phrase_in(summary, unit) for unit in _UNITS]
    assert found == [False, True, False, True, True, False, True]
