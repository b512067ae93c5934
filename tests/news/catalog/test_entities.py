"""The bundled people-and-products list: loaded, checked, and found in Korean and English."""

from __future__ import annotations

import pytest

from news.catalog.bundled import CatalogError
from news.catalog.entities import (
    EntityKind,
    EntityRecognizer,
    bundled_entities,
    bundled_entity_recognizer,
    parse_entities,
)

HEADER = "kind\tname\tenglish_name\taliases\n"


def test_bundled_list_loads_people_and_products() -> None:
    kinds = {spec.kind for spec in bundled_entities()}
    assert kinds == {EntityKind.PERSON, EntityKind.PRODUCT}


@pytest.mark.parametrize(
    ("korean", "english"),
    [("샘 알트먼", "Sam Altman"), ("젠슨 황", "Jensen Huang"), ("챗GPT", "ChatGPT"),
     ("갤럭시", "Galaxy")],
)  # fmt: skip
def test_korean_and_english_names_share_an_id(korean: str, english: str) -> None:
    recognizer = bundled_entity_recognizer()
    assert recognizer.find(korean) == recognizer.find(english) != ()


def test_names_are_found_with_particles_and_without_spaces() -> None:
    recognizer = bundled_entity_recognizer()
    assert recognizer.find("젠슨황이 말했다") == ("jensen huang",)
    assert recognizer.find("샘 알트만과 그렉 브록만") == ("sam altman", "greg brockman")
    assert recognizer.find("Altman's return") == ("sam altman",)


def test_names_inside_other_words_are_not_found() -> None:
    recognizer = bundled_entity_recognizer()
    assert recognizer.find("시리즈 신작 애플리케이션") == ()
    assert recognizer.find("Cookies and Cookbooks") == ()


def test_companies_are_split_from_the_other_words() -> None:
    named, rest = bundled_entity_recognizer().split("오픈AI, 챗GPT 가격 인상")
    assert named == ((EntityKind.COMPANY, "오픈AI"), (EntityKind.PRODUCT, "chatgpt"))
    assert rest == "가격 인상"


def test_a_spelling_shared_by_two_entries_is_refused() -> None:
    text = HEADER + "person\t가\tAlpha One\tAO\nperson\t나\tBeta Two\tAO\n"
    with pytest.raises(CatalogError, match="shared"):
        parse_entities(text)


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(CatalogError, match="unknown kind"):
        parse_entities(HEADER + "place\t서울\tSeoul\t\n")


def test_a_one_letter_spelling_is_refused() -> None:
    with pytest.raises(CatalogError, match="one-letter"):
        parse_entities(HEADER + "product\t엑스\tX\t\n")


def test_a_wrong_header_is_refused() -> None:
    with pytest.raises(CatalogError, match="header"):
        parse_entities("name\tenglish_name\n")


def test_a_recognizer_over_a_supplied_list_uses_only_it() -> None:
    specs = parse_entities(HEADER + "product\t테스트폰\tTestphone\tTP-1\n")
    assert EntityRecognizer(specs).find("TP-1 출시, 테스트폰은") == ("testphone",)
