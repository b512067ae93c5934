"""Korean particles chosen by the final sound of the word before them."""

from __future__ import annotations

import pytest

import locales
from locales import KOREAN, CatalogueError, t
from locales.particles import particle


@pytest.mark.parametrize(
    ("word", "written", "expected"),
    [
        ("삼성", "을", "을"),  # a final consonant
        ("엔비디아", "을", "를"),  # none
        ("삼성", "를", "을"),  # either form may be written
        ("엔비디아", "이", "가"),
        ("삼성", "은", "은"),
        ("엔비디아", "은", "는"),
        ("구글", "으로", "로"),  # ㄹ takes 로
        ("삼성", "으로", "으로"),
        ("카카오", "으로", "로"),
        ("서울", "을", "을"),  # ㄹ is a consonant for 을/를
    ],
)
def test_hangul_final_consonant(word: str, written: str, expected: str) -> None:
    assert particle(word, written) == expected


@pytest.mark.parametrize(
    ("word", "written", "expected"),
    [
        ("MS", "이", "가"),  # 엠에스
        ("IBM", "이", "이"),  # 아이비엠
        ("AWS", "을", "를"),  # 에이더블유에스
        ("URL", "으로", "로"),  # 유알엘: ㄹ
        ("Samsung", "이", "이"),  # 삼성
        ("Amazon", "은", "은"),  # 아마존
        ("Intel", "으로", "로"),  # 인텔
        ("Nvidia", "을", "를"),  # 엔비디아
        ("Microsoft", "이", "가"),  # 마이크로소프트
        ("3", "을", "을"),  # 삼
        ("2", "을", "를"),  # 이
        ("7", "으로", "로"),  # 칠
        ("2026-W48", "은", "은"),  # 팔
    ],
)
def test_latin_letters_and_digits_read_the_korean_way(
    word: str, written: str, expected: str
) -> None:
    assert particle(word, written) == expected


@pytest.mark.parametrize(
    ("word", "written", "expected"),
    [("Google", "을", "을(를)"), ("Apple", "이", "이(가)"), ("?!", "으로", "(으)로")],
)
def test_words_that_cannot_be_told_get_both_forms(word: str, written: str, expected: str) -> None:
    assert particle(word, written) == expected


def test_markup_and_quotes_around_the_word_are_looked_past() -> None:
    assert particle("**엔비디아**", "을") == "를"
    assert particle("'삼성'", "이라는") == "이라는"


def test_catalogue_templates_choose_the_particle() -> None:
    assert t(KOREAN, "errors.company.unknown", name="엔비디아") == (
        "'엔비디아'라는 회사를 찾지 못했습니다."
    )
    samsung = t(KOREAN, "errors.company.unknown", name="삼성")
    assert samsung == "'삼성'이라는 회사를 찾지 못했습니다."
    assert t(KOREAN, "replies.company_added", name="삼성") == "**삼성**을 추가했습니다."
    assert t(KOREAN, "replies.company_added", name="카카오") == "**카카오**를 추가했습니다."


def test_no_korean_text_keeps_a_fixed_dual_particle_after_a_placeholder() -> None:
    dual = ("}을(를)", "}이(가)", "}은(는)", "}(으)로", "}(이)라는")
    fixed = [
        key
        for key in locales.all_keys()
        if any(form in (locales.template(KOREAN, key) or "") for form in dual)
    ]
    assert fixed == []


def test_an_unknown_particle_in_a_template_is_a_catalogue_error() -> None:
    with pytest.raises(CatalogueError, match="not a known particle"):
        locales._placeholders("{name|의}", "test")
