from collections.abc import Callable

import pytest

from news.catalog.recognition import CompanyRecognizer, TopicRecognizer
from news.core.models import Company
from testkit.catalogue import bundled_catalogue

# The canonical names (or topic keys) found in a text, in order.
Names = Callable[[str], list[str]]


@pytest.fixture(scope="module")
def companies() -> list[Company]:
    return bundled_catalogue()[0]


@pytest.fixture(scope="module")
def recognizer(companies: list[Company]) -> CompanyRecognizer:
    return CompanyRecognizer(companies)


@pytest.fixture(scope="module")
def topics() -> TopicRecognizer:
    return TopicRecognizer(bundled_catalogue()[1])


@pytest.fixture(scope="module")
def found(recognizer: CompanyRecognizer, companies: list[Company]) -> Names:
    names = {company.id: company.name for company in companies}
    return lambda text: [names[company_id] for company_id in recognizer.find(text)]


@pytest.fixture(scope="module")
def topic_keys(topics: TopicRecognizer) -> Names:
    keys = {topic.id: topic.key for topic in bundled_catalogue()[1]}
    return lambda text: [keys[topic_id] for topic_id in topics.find(text)]


# --- find: Korean particles and word boundaries ---------------------------------------------


def test_name_followed_by_subject_particle_ga(found: Names) -> None:
    assert found("마이크로소프트가 새 AI 비서를 내놨다") == ["마이크로소프트"]


def test_name_followed_by_possessive_particle_ui(found: Names) -> None:
    assert found("엔비디아의 차세대 GPU 로드맵") == ["엔비디아"]


def test_name_followed_by_topic_particle_eun(found: Names) -> None:
    assert found("구글은 검색 광고 정책을 바꿨다") == ["구글"]


def test_name_followed_by_conjunctive_particle_gwa(found: Names) -> None:
    assert found("삼성과 손잡은 스타트업") == ["삼성전자"]


def test_name_followed_by_stacked_particles(found: Names) -> None:
    assert found("애플에서도 메타와의 협상 소식") == ["애플", "메타"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("삼성 노트북", "삼성전자"),
        ("구글 검색", "구글"),
        ("애플 워치", "애플"),
        ("메타 광고", "메타"),
    ],
)
def test_two_syllable_name_standing_alone(found: Names, text: str, name: str) -> None:
    assert found(text) == [name]


def test_korean_name_must_start_a_word(found: Names) -> None:
    assert found("탈구글 움직임") == []


def test_application_is_not_apple(found: Names) -> None:
    assert found("애플리케이션 보안 점검 가이드") == []


def test_metaverse_is_not_meta(found: Names) -> None:
    assert found("메타버스 플랫폼 이용자 감소") == []


def test_intelligence_is_not_intel(found: Names) -> None:
    assert found("인텔리전스 기능이 한국어를 지원한다") == []


def test_googling_is_not_google(found: Names) -> None:
    assert found("구글링만으로 찾기 어려운 자료") == []


# --- find: Latin names ---------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Microsoft", "MSFT", "MS가", "마소", "MS·오픈AI"])
def test_english_forms_and_abbreviations(found: Names, text: str) -> None:
    assert found(text)[0] == "마이크로소프트"


def test_latin_name_glued_to_korean_particle(found: Names) -> None:
    assert found("Google의 새 모델과 NVIDIA가 만든 칩") == ["구글", "엔비디아"]


def test_longer_latin_name_ignores_case(found: Names) -> None:
    assert found("nvidia and NVIDIA and Nvidia") == ["엔비디아"]


def test_short_abbreviation_needs_its_exact_case(found: Names) -> None:
    assert found("Ms. Kim said the ms timing was off") == []


def test_ms_inside_msi_is_not_microsoft(found: Names) -> None:
    assert found("MSI 게이밍 노트북 신제품") == ["MSI"]


def test_hp_inside_hpe_is_not_hp(found: Names) -> None:
    assert found("HPE 서버 사업 호조") == ["HPE"]


def test_hp_and_hpe_are_told_apart(found: Names) -> None:
    assert found("HP와 HPE의 엇갈린 실적") == ["HP", "HPE"]


def test_latin_name_inside_a_longer_word_is_not_a_mention(found: Names) -> None:
    assert found("Metaverse and Appleton news") == []


def test_former_name_finds_the_company(found: Names) -> None:
    assert found("트위터 시절의 정책과 Facebook 시절의 정책") == ["X(옛 트위터)", "메타"]


def test_common_misspelling_finds_the_company(found: Names) -> None:
    assert found("앤스로픽, 새 모델 공개") == ["앤트로픽"]


# --- find: what is not a mention -------------------------------------------------------------


def test_photo_credit_is_not_a_mention(found: Names) -> None:
    assert found("새 GPU 공개 현장 [사진: 엔비디아]") == []


@pytest.mark.parametrize(
    "credit",
    [
        "(사진=구글)",
        "[사진=구글]",
        "[이미지: 구글]",
        "[그래픽=구글]",
        "사진=구글",
        "(Photo: Google)",
    ],
)
def test_every_credit_form_is_ignored(found: Names, credit: str) -> None:
    assert found(f"검색 광고 개편 {credit}") == []


def test_photo_agency_in_a_credit_is_not_a_company(
    found: Names, recognizer: CompanyRecognizer
) -> None:
    assert found("[사진: 셔터스톡]") == []
    assert recognizer.resolve("셔터스톡") is None


def test_company_outside_the_credit_is_still_found(found: Names) -> None:
    assert found("애플, 새 아이폰 공개 [사진: 연합뉴스]") == ["애플"]


def test_person_in_subject_position_is_not_a_company(found: Names) -> None:
    assert found('젠슨 황 "AI 공장의 시대가 온다"') == []


def test_person_with_title_yields_only_the_company(found: Names) -> None:
    assert found('젠슨 황 엔비디아 CEO "수요는 여전히 강하다"') == ["엔비디아"]


def test_url_is_not_a_mention(found: Names) -> None:
    assert found("자세한 내용은 https://twitter.com/example 참고") == []


# --- find: choosing and ordering -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("삼성전자 실적", "삼성전자"),
        ("삼성SDS 클라우드", "삼성SDS"),
        ("SK하이닉스 HBM", "SK하이닉스"),
        ("구글 딥마인드 연구", "구글 딥마인드"),
        ("LG U+ 요금제", "LG유플러스"),
    ],
)
def test_longest_alias_wins(found: Names, text: str, name: str) -> None:
    assert found(text) == [name]


def test_companies_in_order_of_first_appearance_without_duplicates(found: Names) -> None:
    text = "엔비디아·AMD 경쟁에 인텔도 가세…엔비디아는 AMD보다 앞서"
    assert found(text) == ["엔비디아", "AMD", "인텔"]


def test_every_bundled_spelling_finds_its_own_company(
    recognizer: CompanyRecognizer, companies: list[Company]
) -> None:
    for company in companies:
        for spelling in (company.name, company.english_name, *company.aliases):
            assert recognizer.find(f"오늘 {spelling}가 발표") == (company.id,), spelling


def test_recognizer_knows_companies_added_later() -> None:
    recognizer = CompanyRecognizer([Company(id=7, name="테스트랩", english_name="Test Lab")])
    assert recognizer.find("테스트랩이 Test Lab 2를 공개") == (7,)


def test_recognizer_without_companies_finds_nothing() -> None:
    assert CompanyRecognizer([]).find("마이크로소프트가 발표") == ()


# --- resolve, suggest, autocomplete ---------------------------------------------------------


@pytest.mark.parametrize("name", ["마이크로소프트", "Microsoft", "MS", "microsoft", " ＭＳ "])
def test_resolve_in_both_languages(recognizer: CompanyRecognizer, name: str) -> None:
    company = recognizer.resolve(name)
    assert company is not None
    assert company.name == "마이크로소프트"


def test_resolve_unknown_name_is_none(recognizer: CompanyRecognizer) -> None:
    assert recognizer.resolve("없는회사") is None


def test_suggest_corrects_a_korean_misspelling(recognizer: CompanyRecognizer) -> None:
    assert recognizer.suggest("엔비디어")[0] == "엔비디아"


def test_suggest_corrects_an_english_misspelling(recognizer: CompanyRecognizer) -> None:
    assert "마이크로소프트" in recognizer.suggest("Mircosoft")


def test_suggest_puts_prefix_hits_first(recognizer: CompanyRecognizer) -> None:
    assert recognizer.suggest("마이크로소")[0] == "마이크로소프트"


def test_suggest_respects_the_limit(recognizer: CompanyRecognizer) -> None:
    assert len(recognizer.suggest("삼성", limit=2)) == 2


def test_suggest_nothing_for_gibberish(recognizer: CompanyRecognizer) -> None:
    assert recognizer.suggest("qqqzzzxxx") == ()


def test_autocomplete_orders_exact_then_prefix_then_substring() -> None:
    recognizer = CompanyRecognizer(
        [
            Company(id=1, name="파인애플랩", english_name="Pineapple Lab"),
            Company(id=2, name="애플뱅크", english_name="Apple Bank"),
            Company(id=3, name="애플", english_name="Apple"),
        ]
    )
    assert [value for _, value in recognizer.autocomplete("애플")] == [
        "애플",
        "애플뱅크",
        "파인애플랩",
    ]


def test_autocomplete_labels_show_both_names(recognizer: CompanyRecognizer) -> None:
    assert recognizer.autocomplete("마이크로소프트")[0] == (
        "마이크로소프트 (Microsoft)",
        "마이크로소프트",
    )


def test_autocomplete_matches_aliases_in_the_other_language(
    recognizer: CompanyRecognizer,
) -> None:
    assert recognizer.autocomplete("Facebook")[0][1] == "메타"


def test_autocomplete_gives_at_most_25_choices(recognizer: CompanyRecognizer) -> None:
    assert len(recognizer.autocomplete("a")) == 25


def test_autocomplete_choices_fit_discord_limits(recognizer: CompanyRecognizer) -> None:
    for query in ("", "a", "삼", "SK", "테크"):
        for label, value in recognizer.autocomplete(query):
            assert len(label) <= 100
            assert len(value) <= 100


def test_autocomplete_shortens_a_long_label() -> None:
    long_name = "Very Long Holdings " * 10
    recognizer = CompanyRecognizer([Company(id=1, name="롱네임", english_name=long_name)])
    label, value = recognizer.autocomplete("롱")[0]
    assert len(label) == 100
    assert label.endswith("…")
    assert value == "롱네임"


def test_autocomplete_with_empty_prefix_lists_companies_alphabetically() -> None:
    recognizer = CompanyRecognizer(
        [
            Company(id=1, name="카카오", english_name="Kakao"),
            Company(id=2, name="AMD", english_name="AMD"),
            Company(id=3, name="구글", english_name="Google"),
        ]
    )
    assert [value for _, value in recognizer.autocomplete("")] == ["AMD", "구글", "카카오"]


# --- topics ----------------------------------------------------------------------------------


def test_topic_found_by_korean_keyword(topic_keys: Names) -> None:
    assert topic_keys("병원 전산망 랜섬웨어 피해 확산") == ["security"]


def test_topic_found_by_english_keyword(topic_keys: Names) -> None:
    assert topic_keys("Ransomware gang claims hospital attack") == ["security"]


def test_korean_keyword_matches_inside_a_word(topic_keys: Names) -> None:
    assert topic_keys("보안성 심사 강화") == ["security"]


def test_english_keyword_matches_only_whole_words(topic_keys: Names) -> None:
    assert topic_keys("Weekend hackathon winners announced") == []


def test_english_keyword_phrase_matches(topic_keys: Names) -> None:
    assert topic_keys("New data center opens in Ohio") == ["cloud"]


def test_topics_in_order_of_first_appearance(topic_keys: Names) -> None:
    assert topic_keys("HBM 공급난 속 데이터센터 해킹 우려") == ["chips", "cloud", "security"]


def test_topic_resolve_by_key_english_or_korean_name(topics: TopicRecognizer) -> None:
    resolved = {topics.resolve(name) for name in ("security", "Security", "보안")}
    assert len(resolved) == 1
    assert next(iter(resolved)) is not None


def test_topic_resolve_unknown_is_none(topics: TopicRecognizer) -> None:
    assert topics.resolve("gardening") is None


def test_topic_autocomplete_puts_name_hits_first(topics: TopicRecognizer) -> None:
    assert topics.autocomplete("보")[0] == ("보안 (Security)", "security")


def test_topic_autocomplete_falls_back_to_keywords(topics: TopicRecognizer) -> None:
    assert topics.autocomplete("HBM") == [("반도체 (Semiconductors)", "chips")]


def test_topic_autocomplete_gives_at_most_25_choices(topics: TopicRecognizer) -> None:
    assert len(topics.autocomplete("")) <= 25


def test_capitalised_name_in_lower_case_is_an_ordinary_word() -> None:
    recognizer = CompanyRecognizer(
        [Company(1, "디스코드", "Discord", ("Discord",)), Company(2, "애플", "Apple", ("Apple",))]
    )
    assert recognizer.find("the emphasized discord between apple growers") == ()
    assert recognizer.find("Discord and APPLE ship updates") == (1, 2)
