import pytest

from db.sqlite.search_plan import LATEST, SEARCH, Walk, search_statement


@pytest.mark.parametrize(
    ("text", "filters", "walk"),
    [
        ("보안", 0, Walk.PAGE_FIRST),  # one bigram
        ("chip", 0, Walk.PAGE_FIRST),  # a word or its plural
        ("칩", 0, Walk.PAGE_FIRST),  # a prefix
        ("", 1, Walk.PAGE_FIRST),  # a company alone
        ("AI 칩", 0, Walk.COUNT_FIRST),
        ('"AI chip"', 0, Walk.COUNT_FIRST),
        ("취약점", 0, Walk.COUNT_FIRST),  # bigrams that must stand together
        ("보안", 1, Walk.COUNT_FIRST),
        ("", 2, Walk.COUNT_FIRST),
    ],
)
def test_one_term_reads_the_page_first_and_several_count_first(
    text: str, filters: int, walk: Walk
) -> None:
    assert search_statement(text, filters) == SEARCH[walk]


def test_no_text_and_no_filter_lists_the_latest() -> None:
    assert search_statement("", 0) == LATEST
