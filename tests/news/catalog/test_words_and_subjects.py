"""Issue 14's traps: topics, companies and relevance on words, not substrings; subjects
apart from passing mentions; and input that is not a headline at all."""

import pytest

from news.catalog.analysis import HeadlineAnalyser, HeadlineAnalysis
from news.catalog.recognition import CompanyRecognizer, TopicRecognizer, topic_ids
from news.language.korean import shared_analyser
from testkit.catalogue import bundled_catalogue

COMPANIES, TOPICS = bundled_catalogue()
NAMES = {company.id: company.name for company in COMPANIES}
KEYS = {topic.id: topic.key for topic in TOPICS}


@pytest.fixture(scope="module")
def analyser() -> HeadlineAnalyser:
    return HeadlineAnalyser(CompanyRecognizer(COMPANIES), TopicRecognizer(TOPICS))


def analysed(analyser: HeadlineAnalyser, title: str, summary: str = "") -> HeadlineAnalysis:
    return analyser.analyse(title, summary)


def topics_of(analysis: HeadlineAnalysis) -> set[str]:
    return {KEYS[t] for t in analysis.topic_ids}


def companies_of(analysis: HeadlineAnalysis) -> list[str]:
    return [NAMES[c] for c in analysis.company_ids]


def mentions_of(analysis: HeadlineAnalysis) -> list[str]:
    return [NAMES[c] for c in analysis.mention_ids]


# --- the analyser ---------------------------------------------------------------------------


def test_the_analyser_splits_a_compound_into_its_nouns() -> None:
    morphemes = shared_analyser().morphemes("인수위원회")
    assert [m.surface for m in morphemes] == ["인수", "위원회"]


def test_a_committee_does_not_end_the_word_acquisition() -> None:
    assert not shared_analyser().ends_word("인수위원회가", 2)


def test_a_particle_ends_an_unknown_name() -> None:
    assert shared_analyser().ends_word("마이크로소프트가", 7)


# --- topics on words ------------------------------------------------------------------------


def test_transition_committee_is_not_an_acquisition(analyser: HeadlineAnalyser) -> None:
    assert "funding-ma" not in topics_of(analysed(analyser, "인수위원회, 첫 회의 열어"))


def test_acquisition_as_a_verb_is_an_acquisition() -> None:
    topics = TopicRecognizer(TOPICS)
    assert "funding-ma" in {KEYS[t] for t in topics.find("카카오, 스타트업 인수했다")}


def test_national_security_is_not_cybersecurity(analyser: HeadlineAnalyser) -> None:
    found = analysed(analyser, "Senators warn of national security risks at the border")
    assert "security" not in topics_of(found)


def test_a_security_flaw_is_security() -> None:
    topics = TopicRecognizer(TOPICS)
    assert "security" in {KEYS[t] for t in topics.find("macOS security flaw lets anyone in")}


def test_a_law_named_after_security_is_not_security() -> None:
    topics = TopicRecognizer(TOPICS)
    assert "security" not in {KEYS[t] for t in topics.find("국가보안법 개정 논의")}


def test_a_security_firm_is_security() -> None:
    topics = TopicRecognizer(TOPICS)
    assert "security" in {KEYS[t] for t in topics.find("보안업체, 랜섬웨어 경고")}


def test_a_context_keyword_needs_a_tech_story() -> None:
    topics = TopicRecognizer(TOPICS)
    assert topics.find("City votes on a smoking ban", tech_context=False) == ()


def test_one_pass_of_keyword_hits_gives_both_readings_of_a_text() -> None:
    topics = TopicRecognizer(TOPICS)
    text = "EU ban on AI chips hits data center security"
    hits = topics.keyword_hits(text)
    assert any(hit.context_only for hit in hits)  # "ban" counts only for a tech story
    for tech_context in (True, False):
        assert topic_ids(hits, tech_context=tech_context) == topics.find(
            text, tech_context=tech_context
        )


# --- companies on words ---------------------------------------------------------------------


def test_application_is_not_apple(analyser: HeadlineAnalyser) -> None:
    assert companies_of(analysed(analyser, "애플리케이션 보안 취약점 발견")) == []


def test_microsoft_with_a_particle_is_microsoft(analyser: HeadlineAnalyser) -> None:
    assert companies_of(analysed(analyser, "마이크로소프트가 새 노트북 공개")) == ["마이크로소프트"]


def test_apple_pie_is_not_apple(analyser: HeadlineAnalyser) -> None:
    assert companies_of(analysed(analyser, "Apple pie recipes for a cold evening")) == []


def test_samsung_lions_are_not_samsung_electronics(analyser: HeadlineAnalyser) -> None:
    assert companies_of(analysed(analyser, "삼성 라이온즈, 연장 끝에 승리")) == []


def test_samsung_lions_written_together_are_not_samsung(analyser: HeadlineAnalyser) -> None:
    assert companies_of(analysed(analyser, "삼성라이온즈 홈경기 매진")) == []


def test_youtube_dl_is_not_youtube(analyser: HeadlineAnalyser) -> None:
    found = analysed(analyser, "Youtube-dl is back on GitHub")
    assert "유튜브" not in companies_of(found) + mentions_of(found)


def test_a_passing_mention_is_not_a_subject(analyser: HeadlineAnalyser) -> None:
    found = analysed(analyser, "OpenAI's new model runs on Microsoft's Azure")
    assert companies_of(found) == ["오픈AI"]
    assert mentions_of(found) == ["마이크로소프트"]


def test_a_company_named_only_in_the_summary_is_a_mention(analyser: HeadlineAnalyser) -> None:
    found = analysed(
        analyser, "Nvidia posts record revenue", "Analysts compare it with AMD and Intel."
    )
    assert companies_of(found) == ["엔비디아"]
    assert set(mentions_of(found)) == {"AMD", "인텔"}


def test_a_backed_company_is_a_mention(analyser: HeadlineAnalyser) -> None:
    found = analysed(analyser, "Google-backed startup raises $50M")
    assert companies_of(found) == []
    assert mentions_of(found) == ["구글"]


@pytest.mark.parametrize(
    ("title", "summary", "subjects", "mentions"),
    [
        ("Logistics startup leverages Google Maps for routing", "", [], ["구글"]),
        ("Jane Doe (co-founder of Twitch) joins OpenAI", "", ["오픈AI"], ["트위치"]),
        ("메모 요약 봇", "오픈AI 모델을 사용하여 메모를 요약하는 봇입니다.", [], ["오픈AI"]),
        (
            "음성 일기 워크플로",
            "ElevenLabs를 활용해 녹음을 변환하고 Supabase에 저장합니다.",
            [],
            ["수파베이스"],
        ),
        ("구글 10년차 엔지니어가 말하는 코드 리뷰", "", [], ["구글"]),
        ("한 달 만에 인기 프로젝트로", "공개 직후 깃허브 스타 1만 개를 넘었다.", [], ["깃허브"]),
        ("OpenAI 직원들, 공개 서한 발표", "", ["오픈AI"], []),
    ],
)
def test_tools_used_and_people_s_employers_are_mentions(
    analyser: HeadlineAnalyser, title: str, summary: str, subjects: list[str], mentions: list[str]
) -> None:
    found = analysed(analyser, title, summary)
    assert companies_of(found) == subjects
    assert set(mentions) <= set(mentions_of(found))


# --- relevance ------------------------------------------------------------------------------


def test_a_tech_headline_is_relevant(analyser: HeadlineAnalyser) -> None:
    assert analysed(analyser, "삼성전자, HBM4 양산 돌입").relevance >= 0.75


def test_a_baseball_headline_is_not_relevant(analyser: HeadlineAnalyser) -> None:
    assert analysed(analyser, "프로야구 삼성 라이온즈, 연장 끝에 승리").relevance < 0.5


def test_a_politics_headline_is_not_relevant(analyser: HeadlineAnalyser) -> None:
    found = analysed(analyser, "Senate Republicans unveil health care bill")
    assert found.relevance < 0.5


# --- input that is not a headline -----------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    ["🚀🔥💯", "2024 1 23 456", "https://example.com/a/b?c=d", "", "   ", "ㅋㅋㅋ ㅎㅎ"],
)
def test_odd_titles_are_analysed_without_tags(analyser: HeadlineAnalyser, title: str) -> None:
    found = analysed(analyser, title)
    assert found.company_ids == ()
    assert found.topic_ids == ()
    assert 0.0 <= found.relevance <= 1.0


def test_a_ten_thousand_character_summary_is_analysed(analyser: HeadlineAnalyser) -> None:
    summary = ("반도체 보안 Apple 마이크로소프트가 " * 800)[:10_000]
    found = analysed(analyser, "긴 요약", summary)
    assert 0.0 <= found.relevance <= 1.0


def test_mixed_scripts_are_read_word_by_word(analyser: HeadlineAnalyser) -> None:
    found = analysed(analyser, "엔비디아(NVIDIA)、英伟达 GPU 出货 増加 — 株価 上昇")
    assert companies_of(found) == ["엔비디아"]
    assert "chips" in topics_of(found)


# --- alerts on words ------------------------------------------------------------------------


def test_a_keyword_does_not_stand_inside_a_compound() -> None:
    from news.archive.search_terms import query_units, stands_as_word

    (unit,) = query_units("인수")
    assert not stands_as_word("새 정부 인수위원회 출범", unit)
    assert stands_as_word("카카오, 스타트업 인수했다", unit)
