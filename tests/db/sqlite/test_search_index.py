from __future__ import annotations

import pytest

from db.sqlite.search_index import filtered_expression, index_terms, match_expression


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
    assert match_expression("보안") == '"보안"'


def test_longer_korean_query_is_a_phrase_of_bigrams() -> None:
    assert match_expression("정보보안") == '"정보 보보 보안"'


def test_single_hangul_query_is_a_prefix() -> None:
    assert match_expression("앱") == '"앱"*'


def test_short_latin_word_is_exact() -> None:
    assert match_expression("AI") == '"ai"'


def test_longer_latin_word_also_finds_its_plural() -> None:
    assert match_expression("chip") == '("chip" OR "chips")'


@pytest.mark.parametrize(("word", "plural"), [("box", "boxes"), ("battery", "batteries")])
def test_plural_follows_english_spelling(word: str, plural: str) -> None:
    assert f'"{plural}"' in (match_expression(word) or "")


def test_words_are_anded() -> None:
    assert match_expression("삼성 AI") == '"삼성" AND "ai"'


def test_repeated_words_count_once() -> None:
    assert match_expression("AI ai") == '"ai"'


def test_punctuation_only_query_has_no_expression() -> None:
    assert match_expression("*** ()") is None


@pytest.mark.parametrize(
    "query",
    ['"', 'a" OR "b', "title:x", "NEAR(a b)", "x*", "(((", "a AND NOT b", "^x", "{terms}:y"],
)
def test_fts_syntax_in_query_is_quoted_away(query: str) -> None:
    expression = match_expression(query) or ""
    outside_quotes = expression.split('"')[::2]
    assert all(set(part) <= set(" ()ANDOR*") for part in outside_quotes), expression


def test_filters_restrict_text_to_terms_and_add_tags() -> None:
    assert filtered_expression('"ai"', 3, 4) == 'terms : ("ai") AND tags : "c3" AND tags : "t4"'


def test_no_text_and_no_filter_is_no_expression() -> None:
    assert filtered_expression(None, None, None) is None
