"""Tech relevance with a feed's prior and its categories, adverts, products that stand for
their maker, companies that stand for a topic, Korean spacing and particles (issue 14, 17)."""

import pytest

from news.catalog.analysis import FeedEntry, HeadlineAnalyser, HeadlineAnalysis
from news.catalog.recognition import CompanyRecognizer, TopicRecognizer
from news.catalog.relevance import RelevanceScorer, Strictness, bundled_vocabulary, source_prior
from news.language.korean import shared_analyser
from testkit.catalogue import bundled_catalogue

COMPANIES, TOPICS = bundled_catalogue()
NAMES = {company.id: company.name for company in COMPANIES}
KEYS = {topic.id: topic.key for topic in TOPICS}
NORMAL = Strictness.NORMAL.threshold


@pytest.fixture(scope="module")
def analyser() -> HeadlineAnalyser:
    return HeadlineAnalyser(CompanyRecognizer(COMPANIES), TopicRecognizer(TOPICS))


def companies_of(analysis: HeadlineAnalysis) -> list[str]:
    return [NAMES[c] for c in analysis.company_ids]


def topics_of(analysis: HeadlineAnalysis) -> set[str]:
    return {KEYS[t] for t in analysis.topic_ids}


# --- the source prior -----------------------------------------------------------------------


def test_a_tech_feed_lifts_its_items_and_a_politics_feed_lowers_them() -> None:
    assert source_prior([0.95] * 20) > 1.0
    assert source_prior([0.05] * 20) < -1.0
    assert source_prior([]) == 0.0


def test_a_feed_of_two_items_says_little() -> None:
    assert abs(source_prior([0.95] * 2)) < abs(source_prior([0.95] * 20)) / 2


def test_a_vague_title_is_kept_in_a_tech_feed_and_not_in_a_politics_feed(
    analyser: HeadlineAnalyser,
) -> None:
    terse = FeedEntry("Designing a better volume slider for the web", "")
    assert analyser.analyse(terse.title, "").relevance < NORMAL
    tech = [FeedEntry(f"New open-source compiler for GPUs, release {n}", "") for n in range(15)]
    politics = [FeedEntry(f"Senate vote on the budget, round {n}", "") for n in range(15)]
    assert analyser.analyse_feed([*tech, terse])[-1].relevance >= NORMAL
    assert analyser.analyse_feed([*politics, terse])[-1].relevance < NORMAL


def test_one_weak_word_alone_does_not_pass(analyser: HeadlineAnalyser) -> None:
    assert analyser.analyse("UN urged to launch an effort on tax evasion", "").relevance < NORMAL


def test_the_feeds_categories_count(analyser: HeadlineAnalyser) -> None:
    title = "Which one should you buy this winter?"
    plain = analyser.analyse(title, "").relevance
    assert analyser.analyse(title, "", ["Home Tech", "Bluetooth"]).relevance > plain
    assert analyser.analyse(title, "", ["US politics"]).relevance <= plain


# --- adverts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    ["[Sponsor] Timing — Time Tracking for Mac", "[광고] 새 노트북 특가", "Sponsored: A VPN app"],
)
def test_a_self_labelled_advert_is_not_tech(analyser: HeadlineAnalyser, title: str) -> None:
    assert analyser.analyse(title, "").relevance < 0.05


def test_a_deals_post_is_about_no_company(analyser: HeadlineAnalyser) -> None:
    found = analyser.analyse("Black Friday deals: the best discounts on Apple gear", "")
    assert found.company_ids == ()
    assert companies_of_mentions(found) == ["애플"]


def companies_of_mentions(analysis: HeadlineAnalysis) -> list[str]:
    return [NAMES[c] for c in analysis.mention_ids]


def test_an_ad_sponsored_bill_is_not_an_advert() -> None:
    scorer = RelevanceScorer(bundled_vocabulary())
    assert not scorer.is_advert("Ad-supported tiers grow at streaming services")


# --- products and companies -----------------------------------------------------------------


def test_a_product_stands_for_its_maker(analyser: HeadlineAnalyser) -> None:
    assert companies_of(analyser.analyse("iPad Pro review roundup", "")) == ["애플"]
    assert companies_of(analyser.analyse("아이폰 판매 급감", "")) == ["애플"]


def test_a_product_is_not_the_subject_when_a_company_is_named(analyser: HeadlineAnalyser) -> None:
    found = analyser.analyse("Google Docs adds support for iPhone X drag-and-drop", "")
    assert companies_of(found) == ["구글"]


@pytest.mark.parametrize(
    "title", ["Timing: automatic time tracking for Mac", "A Mac client for Medium"]
)
def test_a_product_as_a_platform_is_not_a_subject(analyser: HeadlineAnalyser, title: str) -> None:
    assert analyser.analyse(title, "").company_ids == ()


def test_a_model_family_stands_for_its_maker(analyser: HeadlineAnalyser) -> None:
    assert companies_of(analyser.analyse("Claude Sonnet gets a bigger context window", "")) == [
        "앤트로픽"
    ]
    assert companies_of(analyser.analyse("Qwen 신규 모델 공개", "")) == ["알리바바"]


def test_an_add_on_for_a_product_is_not_its_maker_s_news(analyser: HeadlineAnalyser) -> None:
    assert analyser.analyse("Claude Code proxy for local models", "").company_ids == ()


def test_a_product_killer_is_a_mention(analyser: HeadlineAnalyser) -> None:
    assert companies_of(analyser.analyse("The AirPod-killing Pixel Buds", "")) == ["구글"]


def test_an_arm_mac_is_the_architecture(analyser: HeadlineAnalyser) -> None:
    found = analyser.analyse("The iMac Pro might be the first ARM Mac", "")
    assert companies_of(found) == ["애플"]


def test_the_summary_is_not_asked_when_the_title_names_a_company_in_passing(
    analyser: HeadlineAnalyser,
) -> None:
    found = analyser.analyse(
        "Ikea details a furniture app powered by Apple's ARKit",
        "At WWDC this year, Apple showed a demo with Ikea.",
    )
    assert found.company_ids == ()


def test_a_game_maker_s_news_is_about_gaming(analyser: HeadlineAnalyser) -> None:
    assert "gaming" in topics_of(analyser.analyse("Nintendo: Switch shortages not intentional", ""))


# --- topics ----------------------------------------------------------------------------------


def test_a_korean_compound_written_together_is_its_topic(analyser: HeadlineAnalyser) -> None:
    assert "data" in topics_of(analyser.analyse("FT의 데이터플랫폼 구축기, 슬랙의 도입기", ""))


def test_a_domain_is_not_dotnet(analyser: HeadlineAnalyser) -> None:
    found = analyser.analyse("Verizon blocks att.net customers from Yahoo Mail", "")
    assert "developer-tools" not in topics_of(found)


def test_quantum_chemistry_is_not_quantum_computing(analyser: HeadlineAnalyser) -> None:
    found = analyser.analyse("Quantum chemistry done wrong, with Python", "")
    assert "quantum" not in topics_of(found)


def test_a_coin_listing_is_not_an_ipo(analyser: HeadlineAnalyser) -> None:
    found = analyser.analyse("알트코인 상장 논란…바이낸스, 토큰 상장폐지", "")
    assert "funding-ma" not in topics_of(found)
    assert "fintech" in topics_of(found)


def test_an_off_topic_story_gets_no_topic(analyser: HeadlineAnalyser) -> None:
    found = analyser.analyse("PC 고치다 사진 빼돌려 딥페이크 만든 30대, 징역 3년", "")
    assert found.topic_ids == ()


# --- Korean particles in look-ups ---------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("마이크로소프트가", "마이크로소프트"),
        ("엔비디아는", "엔비디아"),
        ("삼성의", "삼성"),
        ("반도체업계가", "반도체업계"),
        ("고양이", "고양이"),
        ("민주주의", "민주주의"),
        ("회의", "회의"),
    ],
)
def test_the_stem_of_a_korean_word(word: str, stem: str) -> None:
    assert shared_analyser().stem(word) == stem


@pytest.mark.parametrize(
    ("name", "company"),
    [
        ("마이크로소프트가", "마이크로소프트"),
        ("삼성의", "삼성전자"),
        ("엔비디아는", "엔비디아"),
        ("MS가", "마이크로소프트"),
    ],
)
def test_a_company_name_with_a_particle_is_looked_up(name: str, company: str) -> None:
    found = CompanyRecognizer(COMPANIES).resolve(name)
    assert found is not None and found.name == company


def test_a_word_that_only_begins_like_a_company_is_not_one() -> None:
    assert CompanyRecognizer(COMPANIES).resolve("애플리케이션") is None
