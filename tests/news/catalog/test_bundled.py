import pytest

from news.catalog.bundled import (
    CatalogError,
    bundled_companies,
    bundled_topics,
    companies_to_store,
    parse_companies,
    parse_topics,
    topics_to_store,
)
from news.core.models import Company, CompanySpec, Topic, TopicSpec

COMPANY_HEADER = "name\tenglish_name\taliases\n"
TOPIC_HEADER = "key\tname_en\tname_ko\tkeywords\n"


def _company(name: str) -> CompanySpec:
    return next(spec for spec in bundled_companies() if spec.name == name)


def test_bundled_companies_has_at_least_150() -> None:
    assert len(bundled_companies()) >= 150


def test_bundled_topics_has_at_least_15() -> None:
    assert len(bundled_topics()) >= 15


def test_bundled_company_keeps_korean_english_and_abbreviations() -> None:
    microsoft = _company("마이크로소프트")
    assert microsoft.english_name == "Microsoft"
    assert {"MS", "MSFT"} <= set(microsoft.aliases)


def test_bundled_company_keeps_former_names() -> None:
    assert {"페이스북", "Facebook"} <= set(_company("메타").aliases)


def test_bundled_hp_and_hpe_are_different_companies() -> None:
    assert _company("HP").english_name != _company("HPE").english_name


def test_bundled_topics_cover_korean_and_english_keywords() -> None:
    security = next(spec for spec in bundled_topics() if spec.key == "security")
    assert {"보안", "랜섬웨어", "ransomware"} <= set(security.keywords)


def test_parse_companies_splits_aliases() -> None:
    specs = parse_companies(COMPANY_HEADER + "테스트랩\tTest Lab\tTL|테스트 랩\n")
    assert specs == [CompanySpec("테스트랩", "Test Lab", ("TL", "테스트 랩"))]


def test_parse_companies_drops_aliases_repeating_the_names() -> None:
    specs = parse_companies(COMPANY_HEADER + "테스트랩\tTest Lab\tTest Lab|테스트랩|TL\n")
    assert specs[0].aliases == ("TL",)


def test_parse_companies_allows_an_empty_alias_column() -> None:
    specs = parse_companies(COMPANY_HEADER + "테스트랩\tTest Lab\t\n")
    assert specs[0].aliases == ()


def test_alias_shared_by_two_companies_is_rejected_naming_both() -> None:
    text = COMPANY_HEADER + "알파랩\tAlpha Lab\tAL|공용\n베타랩\tBeta Lab\t공용\n"
    with pytest.raises(CatalogError, match="'공용' is shared by 알파랩, 베타랩"):
        parse_companies(text)


def test_alias_differing_only_in_case_or_width_counts_as_shared() -> None:
    text = COMPANY_HEADER + "알파랩\tAlpha Lab\tACME\n베타랩\tBeta Lab\tＡｃｍｅ\n"
    with pytest.raises(CatalogError, match="'acme' is shared"):
        parse_companies(text)


def test_every_shared_alias_is_listed_at_once() -> None:
    text = COMPANY_HEADER + "알파랩\tAlpha Lab\t하나|둘\n베타랩\tBeta Lab\t하나|둘\n"
    with pytest.raises(CatalogError) as raised:
        parse_companies(text)
    assert "'하나'" in str(raised.value)
    assert "'둘'" in str(raised.value)


def test_single_latin_letter_alias_is_rejected() -> None:
    with pytest.raises(CatalogError, match="'X' is too short"):
        parse_companies(COMPANY_HEADER + "엑스코프\tX Corp\tX\n")


def test_single_hangul_syllable_alias_is_allowed() -> None:
    specs = parse_companies(COMPANY_HEADER + "델 테크놀로지스\tDell Technologies\t델\n")
    assert specs[0].aliases == ("델",)


def test_company_list_with_wrong_header_is_rejected() -> None:
    with pytest.raises(CatalogError, match="header"):
        parse_companies("name\taliases\n테스트랩\tTL\n")


def test_company_row_with_missing_column_is_rejected() -> None:
    with pytest.raises(CatalogError, match="line 2"):
        parse_companies(COMPANY_HEADER + "테스트랩\n")


def test_parse_topics_splits_keywords() -> None:
    specs = parse_topics(TOPIC_HEADER + "security\tSecurity\t보안\t보안|해킹|ransomware\n")
    assert specs[0].keywords == ("보안", "해킹", "ransomware")


def test_topic_key_appearing_twice_is_rejected() -> None:
    text = TOPIC_HEADER + "chips\tChips\t반도체\t반도체\nchips\tChips\t칩\tHBM\n"
    with pytest.raises(CatalogError, match="'chips' appears twice"):
        parse_topics(text)


def test_topic_key_that_is_not_a_slug_is_rejected() -> None:
    with pytest.raises(CatalogError, match="bad topic key"):
        parse_topics(TOPIC_HEADER + "Big Chips\tChips\t반도체\t반도체\n")


def test_topic_without_keywords_is_rejected() -> None:
    with pytest.raises(CatalogError, match="no keywords"):
        parse_topics(TOPIC_HEADER + "chips\tChips\t반도체\t\n")


def test_companies_already_stored_are_not_stored_again() -> None:
    spec = CompanySpec("엔비디아", "NVIDIA", ("Nvidia", "NVDA"))
    stored = [Company(1, "엔비디아", "NVIDIA", ("nvidia", "NVDA", "녹색팀"))]
    assert companies_to_store([spec], stored) == []


def test_a_company_missing_a_bundled_alias_or_name_is_stored() -> None:
    spec = CompanySpec("엔비디아", "NVIDIA", ("Nvidia", "NVDA"))
    assert companies_to_store([spec], [Company(1, "엔비디아", "NVIDIA", ("NVDA",))]) == []
    with_new_alias = CompanySpec("엔비디아", "NVIDIA", ("NVDA", "앤비디아"))
    assert companies_to_store([with_new_alias], [Company(1, "엔비디아", "NVIDIA", ("NVDA",))]) == [
        with_new_alias
    ]
    assert companies_to_store([spec], []) == [spec]


def test_a_topic_with_a_new_keyword_is_stored_again() -> None:
    spec = TopicSpec("security", "Security", "보안", ("보안", "해킹"))
    assert (
        topics_to_store([spec], [Topic(1, "security", "Security", "보안", ("해킹", "보안"))]) == []
    )
    assert topics_to_store([spec], [Topic(1, "security", "Security", "보안", ("보안",))]) == [spec]
