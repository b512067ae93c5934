from __future__ import annotations

import pytest

from db.sqlite.search_index import filtered_expression, match_expression
from news.archive.search_terms import term_pairs, text_terms


def index_terms(text: str) -> str:
    return " ".join(text_terms(text))


def test_hangul_run_becomes_bigrams_and_last_character() -> None:
    assert index_terms("삼성전자") == "삼성 성전 전자 자"


def test_single_hangul_character_is_kept() -> None:
    assert index_terms("폰") == "폰"


def test_latin_words_are_lowercased_whole() -> None:
    assert index_terms("OpenAI said Items") == "openai said items"


def test_scripts_are_split_where_they_meet() -> None:
    assert index_terms("AI반도체") == "ai 반도 도체 체"


def test_fullwidth_letters_are_folded() -> None:
    assert index_terms("ＡＩ") == "ai"


def test_two_syllable_query_is_one_bigram() -> None:
    assert match_expression("보안") == 'terms : "보안"'


def test_longer_korean_query_is_a_phrase_of_bigrams() -> None:
    assert match_expression("정보보안") == 'terms : "정보 보보 보안"'


def test_single_hangul_query_is_a_prefix() -> None:
    assert match_expression("앱") == 'terms : "앱"*'


def test_short_latin_word_is_exact() -> None:
    assert match_expression("AI") == 'terms : "ai"'


def test_longer_latin_word_also_finds_its_plural() -> None:
    assert match_expression("chip") == '(terms : "chip" OR terms : "chips")'


@pytest.mark.parametrize(("word", "plural"), [("box", "boxes"), ("battery", "batteries")])
def test_plural_follows_english_spelling(word: str, plural: str) -> None:
    assert f'"{plural}"' in (match_expression(word) or "")


def test_words_are_anded() -> None:
    assert match_expression("삼성 AI") == 'terms : "삼성" AND terms : "ai"'


def test_repeated_words_count_once() -> None:
    assert match_expression("AI ai") == 'terms : "ai"'


def test_punctuation_only_query_has_no_expression() -> None:
    assert match_expression("*** ()") is None


@pytest.mark.parametrize(
    "query",
    ['"', 'a" OR "b', "title:x", "NEAR(a b)", "x*", "(((", "a AND NOT b", "^x", "{terms}:y"],
)
def test_fts_syntax_in_query_is_quoted_away(query: str) -> None:
    expression = match_expression(query) or ""
    outside_quotes = expression.split('"')[::2]
    outside = " ".join(outside_quotes).replace("terms :", "").replace("pairs :", "")
    assert set(outside) <= set(" ()ANDOR*"), expression


def test_filters_add_tags_to_the_text() -> None:
    expected = 'terms : "ai" AND tags : "c3" AND tags : "t4"'
    assert filtered_expression('terms : "ai"', 3, 4) == expected


def test_no_text_and_no_filter_is_no_expression() -> None:
    assert filtered_expression(None, None, None) is None


def test_neighbouring_terms_pair_up_unless_both_are_cjk() -> None:
    assert term_pairs(["ai", "칩이", "이", "open", "model"]) == ["ai_칩이", "이_open", "open_model"]


def test_quoted_phrase_of_words_is_read_from_the_pairs() -> None:
    assert match_expression('"AI chip"') == '(pairs : "ai_chip" OR pairs : "ai_chips")'
    assert match_expression('"open source model"') == (
        '(pairs : "open_source source_model" OR pairs : "open_source source_models")'
    )


def test_quoted_phrase_ending_in_one_korean_character_is_a_pair_prefix() -> None:
    assert match_expression('"AI 칩"') == 'pairs : "ai_칩"*'


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"AI 칩 x"', 'terms : "ai 칩 x"'),  # an inner CJK term: its pairs could stand apart
        ('"보안 취약점"', 'terms : "보안 안 취약 약점"'),  # no word: no pair terms
    ],
)
def test_phrases_the_pairs_cannot_spell_exactly_stay_in_the_terms(
    query: str, expected: str
) -> None:
    assert match_expression(query) == expected
