"""Compiling the week's digest from its headlines, and taking an imported roundup as it is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from news.core.errors import InvalidInput
from news.core.models import (
    Digest,
    DigestCandidate,
    Headline,
    Roundup,
    RoundupKind,
    RoundupSection,
    Topic,
)
from news.digest.compile import (
    DigestLimits,
    compile_digest,
    digest_from_roundup,
)

WEEK = "2026-W48"
MONDAY = datetime(2026, 11, 23, 9, tzinfo=UTC)
NOW = MONDAY + timedelta(days=7)
TOPICS = (
    Topic(1, "chips", "Semiconductors", "반도체"),
    Topic(2, "security", "Security", "보안"),
    Topic(3, "gaming", "Gaming", "게임"),
)
# Unrelated stories, each worded differently, with the topic each is filed under.
STORIES = (
    ("엔비디아 블랙웰 울트라 공개", "chips"),
    ("랜섬웨어 조직 병원 서버 공격", "security"),
    ("넥슨 신작 콘솔 게임 글로벌 출시", "gaming"),
    ("TSMC 2나노 공장 가동 시작", "chips"),
    ("Zero-day flaw found in popular VPN appliance", "security"),
    ("크래프톤 인도 게임 대회 개최", "gaming"),
)


def headline(
    number: int,
    title: str,
    *,
    topics: tuple[str, ...] = (),
    hours: float = 0,
    url: str | None = "auto",
) -> Headline:
    return Headline(
        id=number,
        title=title,
        url=f"https://news.example/{number}" if url == "auto" else url,
        summary="",
        language="ko",
        published_at=MONDAY + timedelta(hours=hours),
        week=WEEK,
        topics=topics,
    )


def reports(
    title: str, outlets: Sequence[str], *, first_id: int, topic: str | None = None, hours: float = 0
) -> list[DigestCandidate]:
    """The same story as several outlets ran it, an hour apart."""
    topics = (topic,) if topic else ()
    return [
        DigestCandidate(headline(first_id + n, title, topics=topics, hours=hours + n), outlet)
        for n, outlet in enumerate(outlets)
    ]


def compile_week(
    candidates: Sequence[DigestCandidate],
    *,
    language: str = "ko",
    limits: DigestLimits | None = None,
) -> Digest:
    return compile_digest(
        candidates,
        guild_id=7,
        week=WEEK,
        language=language,
        topics=TOPICS,
        limits=limits or DigestLimits(),
        now=NOW,
    )


def items_of(digest: Digest) -> list[str]:
    return [item.headline.title for section in digest.sections for item in section.items]


def test_same_story_from_several_outlets_becomes_one_item() -> None:
    candidates = [
        DigestCandidate(headline(1, "삼성전자, HBM4 양산 앞당겨", topics=("chips",)), "가신문"),
        DigestCandidate(
            headline(2, "삼성전자가 HBM4 양산 일정을 앞당겼다", topics=("chips",), hours=2),
            "나일보",
        ),
    ]
    digest = compile_week(candidates)
    assert [len(section.items) for section in digest.sections] == [1]
    assert digest.sections[0].items[0].more_sources == 1


def test_stored_story_ids_decide_which_reports_are_one_item() -> None:
    # Titles alone would make two stories: the ids stored on arrival say they are one.
    candidates = [
        DigestCandidate(headline(1, STORIES[0][0], topics=("chips",)), "가신문", story_id=1),
        DigestCandidate(headline(2, STORIES[3][0], topics=("chips",), hours=1), "나일보", 1),
    ]
    digest = compile_week(candidates)
    assert [len(section.items) for section in digest.sections] == [1]
    assert digest.sections[0].items[0].more_sources == 1


def test_a_week_with_headlines_stored_before_stories_is_grouped_by_title() -> None:
    candidates = [
        DigestCandidate(headline(1, "Nvidia unveils Blackwell Ultra"), "A", story_id=1),
        DigestCandidate(headline(2, "Nvidia unveils Blackwell Ultra", hours=1), "B"),
    ]
    item = compile_week(candidates).sections[0].items[0]
    assert (item.headline.id, item.more_sources) == (1, 1)


def test_sources_list_every_report_the_items_own_first() -> None:
    candidates = reports("Nvidia unveils Blackwell Ultra", ["A", "B", "A", "C"], first_id=1)
    item = compile_week(candidates).sections[0].items[0]
    assert [source.source for source in item.sources] == ["A", "B", "A", "C"]
    assert item.sources[0].url == item.headline.url
    assert (item.source, item.more_sources) == ("A", len(item.sources) - 1)


def test_more_languages_rank_first_among_equal_coverage() -> None:
    english = headline(20, "Nvidia unveils Blackwell Ultra chips", hours=1)
    candidates = [
        *reports(STORIES[0][0], ["A", "B"], first_id=1, hours=5),
        DigestCandidate(headline(10, "엔비디아, 블랙웰 울트라 공개"), "C", story_id=10),
        DigestCandidate(replace(english, language="en"), "D", story_id=10),
    ]
    stored = [replace(c, story_id=c.story_id or 1) for c in candidates]
    assert items_of(compile_week(stored))[0] == "엔비디아, 블랙웰 울트라 공개"


def test_the_digest_leads_with_the_stories_several_outlets_ran() -> None:
    candidates = [
        *reports(STORIES[0][0], ["A", "B"], first_id=1, topic="chips"),
        *reports(STORIES[1][0], ["A", "B", "C"], first_id=10, topic="security"),
        *reports(STORIES[2][0], ["A"], first_id=20, topic="gaming", hours=50),
    ]
    digest = compile_week(candidates, language="en")
    assert digest.sections[0].title == "Top stories"
    assert [item.headline.title for item in digest.sections[0].items] == [
        STORIES[1][0],
        STORIES[0][0],
    ]
    assert [section.title for section in digest.sections[1:]] == ["Gaming"]


def test_lead_is_the_earliest_report_with_a_link() -> None:
    candidates = [
        DigestCandidate(headline(1, "Nvidia unveils Blackwell Ultra", url=None), "A"),
        DigestCandidate(headline(2, "Nvidia unveils Blackwell Ultra today", hours=1), "B"),
        DigestCandidate(headline(3, "Nvidia unveils Blackwell Ultra", hours=2), "C"),
    ]
    item = compile_week(candidates).sections[0].items[0]
    assert (item.headline.id, item.source) == (2, "B")


def test_wider_coverage_ranks_first() -> None:
    candidates = [
        *reports(STORIES[0][0], ["A"], first_id=1, hours=100),
        *reports(STORIES[3][0], ["A", "B", "C"], first_id=10),
    ]
    assert items_of(compile_week(candidates)) == [STORIES[3][0], STORIES[0][0]]


def test_equal_coverage_ranks_more_recent_first() -> None:
    candidates = [
        *reports(STORIES[0][0], ["A", "B"], first_id=1),
        *reports(STORIES[3][0], ["A", "B"], first_id=10, hours=50),
    ]
    assert items_of(compile_week(candidates)) == [STORIES[3][0], STORIES[0][0]]


def test_equal_coverage_and_recency_rank_the_earlier_lead_first() -> None:
    candidates = [
        *reports(STORIES[0][0], ["A"], first_id=20, topic="chips"),
        *reports(STORIES[3][0], ["B"], first_id=10, topic="chips"),
    ]
    digest = compile_week(candidates, limits=DigestLimits(max_items=1))
    assert items_of(digest) == [STORIES[3][0]]


def test_sections_follow_topics_heaviest_first() -> None:
    candidates = [
        *reports(STORIES[0][0], ["A"], first_id=1, topic="chips"),
        *reports(STORIES[1][0], ["A", "B", "C"], first_id=10, topic="security"),
        *reports(STORIES[2][0], ["A", "B"], first_id=20, topic="gaming"),
    ]
    # One item at the top leaves the others to their topics' sections.
    digest = compile_week(candidates, language="en", limits=DigestLimits(max_items=1))
    assert [section.title for section in digest.sections] == [
        "Top stories",
        "Gaming",
        "Semiconductors",
    ]


def test_limits_cap_sections_and_items() -> None:
    candidates = [
        candidate
        for number, (title, topic) in enumerate(STORIES)
        for candidate in reports(title, ["A"], first_id=10 * number, topic=topic)
    ]
    digest = compile_week(candidates, limits=DigestLimits(max_sections=2, max_items=1))
    assert [len(section.items) for section in digest.sections] == [1, 1]


def test_section_titles_follow_the_language() -> None:
    candidates = reports(STORIES[1][0], ["A"], first_id=1, topic="security")
    assert compile_week(candidates, language="ko").sections[0].title == "보안"


def test_headlines_without_topic_land_in_the_catch_all_section_last() -> None:
    candidates = [
        *reports(STORIES[0][0], ["A"], first_id=1, topic="chips"),
        *reports("카카오 본사 판교로 이전", ["A"], first_id=10),
        *reports("배달앱 수수료 인하 합의", ["B"], first_id=20),
    ]
    digest = compile_week(candidates, language="ko")
    assert [section.title for section in digest.sections] == ["반도체", "그 밖의 소식"]


def test_story_is_filed_under_the_topic_most_reports_name() -> None:
    candidates = [
        DigestCandidate(headline(1, "게임 서버 해킹 피해", topics=("security", "gaming")), "A"),
        DigestCandidate(headline(2, "게임 서버 해킹 피해", topics=("gaming",), hours=1), "B"),
    ]
    # One section leaves no room for a top-stories section before the topics.
    digest = compile_week(candidates, language="en", limits=DigestLimits(max_sections=1))
    assert digest.sections[0].title == "Gaming"


def test_english_title_names_the_week_and_its_dates() -> None:
    assert compile_week([], language="en").title == "Week 48 in tech · Nov 23–29"


def test_korean_title_names_the_dates_across_a_month_end() -> None:
    digest = compile_digest([], guild_id=7, week="2026-W49", language="ko", topics=TOPICS, now=NOW)
    assert digest.title == "11월 30일–12월 6일 주간 테크"


def test_no_candidates_give_a_digest_without_sections() -> None:
    digest = compile_week([])
    assert (digest.sections, digest.imported, digest.guild_id) == ((), False, 7)


def test_limits_refuse_an_empty_digest() -> None:
    with pytest.raises(InvalidInput):
        DigestLimits(max_sections=0)


# --- Imported roundups --------------------------------------------------------------------


def roundup(*sections: RoundupSection) -> Roundup:
    return Roundup(
        id=1,
        guild_id=7,
        week=WEEK,
        kind=RoundupKind.IMPORTED,
        title="주간 테크 브리핑",
        publisher="테크위클리",
        author=None,
        copyright=None,
        published_at=MONDAY,
        sections=sections,
    )


def section(
    position: int, title: str | None, commentary: str = "", count: int = 1
) -> RoundupSection:
    headlines = tuple(headline(100 * position + n, f"{title} {n}") for n in range(count))
    return RoundupSection(position, title, commentary, (), headlines)


def test_imported_roundup_keeps_its_sections_in_order_with_every_headline() -> None:
    digest = digest_from_roundup(
        roundup(section(1, "둘째", count=2), section(0, "첫째", count=9)), language="ko"
    )
    shape = [(s.title, len(s.items)) for s in digest.sections]
    assert (shape, digest.imported, digest.title) == (
        [("첫째", 9), ("둘째", 2)],
        True,
        "주간 테크 브리핑",
    )


def test_imported_items_carry_the_publisher_and_no_more_sources() -> None:
    digest = digest_from_roundup(roundup(section(0, "첫째")), language="ko")
    item = digest.sections[0].items[0]
    assert (item.source, item.more_sources) == ("테크위클리", 0)


def test_imported_commentary_is_shortened_at_a_sentence_end() -> None:
    commentary = "첫 문장이다. 둘째 문장도 꽤 길게 이어진다. 셋째 문장은 잘려 나갈 것이다."
    digest = digest_from_roundup(
        roundup(section(0, "첫째", commentary)),
        language="ko",
        limits=DigestLimits(commentary_chars=35),
    )
    assert digest.sections[0].commentary == "첫 문장이다. 둘째 문장도 꽤 길게 이어진다.…"


def test_imported_commentary_loses_its_surrounding_spaces() -> None:
    digest = digest_from_roundup(
        roundup(section(0, "첫째", "  Short and sweet.  ")),
        language="ko",
        limits=DigestLimits(commentary_chars=600),
    )
    assert digest.sections[0].commentary == "Short and sweet."
