"""Grouping traps: one event across languages is one story; look-alike titles of different
events (columns, horoscopes, personnel lists, briefing headers) and bare titles never are."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from news.core.models import DigestCandidate, Headline
from news.stories.clustering import StoryIndex, group_by_story_id, group_same_stories

MONDAY = datetime(2026, 11, 23, 9, tzinfo=UTC)


def report(
    number: int,
    title: str,
    source: str,
    *,
    language: str = "ko",
    hours: float = 0.0,
    companies: tuple[str, ...] = (),
    url: str | None = None,
) -> DigestCandidate:
    headline = Headline(
        id=number,
        title=title,
        url=url or f"https://{source.replace(' ', '')}.example/{number}",
        summary="",
        language=language,
        published_at=MONDAY + timedelta(hours=hours, minutes=number),
        week="2026-W48",
        companies=companies,
    )
    return DigestCandidate(headline, source)


def story_ids(candidates: Sequence[DigestCandidate]) -> list[list[int]]:
    """The groups both ways (at once, and as they arrive), checked to agree."""
    at_once = [[c.headline.id for c in group] for group in group_same_stories(candidates)]
    index = StoryIndex()
    order = sorted(candidates, key=lambda c: c.headline.published_at)
    placed = {c.headline.id: index.add(c) for c in order}
    stored = [replace(c, story_id=placed[c.headline.id]) for c in candidates]
    arrived = [[c.headline.id for c in group] for group in group_by_story_id(stored) or []]
    assert sorted(at_once) == sorted(arrived)
    return sorted(at_once)


def test_korean_and_english_reports_of_one_hire_are_one_story() -> None:
    groups = story_ids(
        [
            report(1, "샘 알트만과 그렉 브록만, 마이크로소프트에 합류", "가신문",
                   companies=("마이크로소프트",)),
            report(2, "Sam Altman and Greg Brockman will join Microsoft", "The Wire",
                   language="en", companies=("마이크로소프트",)),
        ]
    )  # fmt: skip
    assert groups == [[1, 2]]


def test_korean_and_english_reports_of_one_deal_agree_on_the_amount() -> None:
    groups = story_ids(
        [
            report(1, "HP, 휴메인 자산 1억1600만달러에 인수", "가신문", companies=("HP",)),
            report(2, "HP buys Humane's assets for $116 million", "Tech Daily",
                   language="en", companies=("HP",)),
        ]
    )  # fmt: skip
    assert groups == [[1, 2]]


def test_korean_and_english_product_names_are_one_name() -> None:
    groups = story_ids(
        [
            report(1, "오픈AI, 챗GPT 음성 기능 무료 사용자에 공개", "가신문",
                   companies=("오픈AI",)),
            report(2, "OpenAI releases ChatGPT voice to free users", "Tech Daily",
                   language="en", companies=("오픈AI",)),
        ]
    )  # fmt: skip
    assert groups == [[1, 2]]


def test_same_people_in_different_events_stay_apart() -> None:
    groups = story_ids(
        [
            report(1, "오픈AI, 샘 알트먼 CEO 해고", "가신문", companies=("오픈AI",)),
            report(2, "Sam Altman returns to OpenAI as CEO", "Tech Daily", language="en",
                   hours=3, companies=("오픈AI",)),
        ]
    )  # fmt: skip
    assert groups == [[1], [2]]


def test_different_events_with_look_alike_titles_stay_apart() -> None:
    groups = story_ids(
        [
            report(1, "오픈AI, 챗GPT 가격 인상", "가신문", companies=("오픈AI",)),
            report(2, "오픈AI, 챗GPT 광고 도입", "나일보", companies=("오픈AI",)),
            report(3, "Nvidia CEO Jensen Huang unveils Rubin chips", "Dev Blog", language="en"),
            report(4, "엔비디아 젠슨 황, 대만 공급망 협력 강조", "나일보"),
        ]
    )
    assert groups == [[1], [2], [3], [4]]


def test_reports_days_apart_are_different_stories() -> None:
    groups = story_ids(
        [
            report(1, "삼성전자, HBM4 양산 앞당겨", "가신문", companies=("삼성전자",)),
            report(2, "삼성전자, HBM4 양산 앞당겨", "나일보", hours=24 * 6,
                   companies=("삼성전자",)),
        ]
    )  # fmt: skip
    assert groups == [[1], [2]]


def test_daily_horoscopes_are_never_one_story() -> None:
    groups = story_ids(
        [
            report(1, "[오늘의 운세] 11월 23일 월요일 (음력 10월 4일)", "가신문"),
            report(2, "[오늘의 운세] 11월 24일 화요일 (음력 10월 5일)", "가신문", hours=24),
            report(3, "[오늘의 운세] 11월 24일 화요일", "나일보", hours=24),
        ]
    )
    assert groups == [[1], [2], [3]]


def test_personnel_lists_are_never_one_story() -> None:
    groups = story_ids(
        [
            report(1, "[인사] 과학기술정보통신부 외", "가신문"),
            report(2, "[인사] 행정안전부 외", "가신문", hours=24),
            report(3, "[인사] 과학기술정보통신부", "나일보", hours=2),
        ]
    )
    assert groups == [[1], [2], [3]]


def test_installments_of_a_recurring_column_are_never_one_story() -> None:
    groups = story_ids(
        [
            report(1, "[AI 아나운서] 엔비디아 실적 발표…애플 신제품 공개", "가신문"),
            report(2, "[AI 아나운서] 엔비디아 실적 전망…애플 신제품 출시", "가신문", hours=24),
        ]
    )
    assert groups == [[1], [2]]


def test_a_title_an_outlet_runs_again_on_another_day_is_a_recurring_column() -> None:
    groups = story_ids(
        [
            report(1, "Markets wrap: tech stocks lead the rally", "Wire", language="en"),
            report(2, "Markets wrap: tech stocks lead the rally", "Wire", language="en",
                   hours=24),
        ]
    )  # fmt: skip
    assert groups == [[1], [2]]


def test_weekly_briefing_headers_are_never_one_story() -> None:
    groups = story_ids(
        [
            report(1, "Weekly briefing: November 23", "Wire", language="en"),
            report(2, "Weekly briefing: November 24", "Tech Daily", language="en", hours=1),
            report(3, "주간 브리핑 | 11월 23일", "가신문", hours=2),
        ]
    )
    assert groups == [[1], [2], [3]]


def test_look_alike_daily_schedules_stay_apart() -> None:
    groups = story_ids(
        [
            report(1, "【오늘의 국회일정】 2026년 11월 23일", "가신문"),
            report(2, "【오늘의 국회일정】 2026년 11월 24일", "가신문", hours=24),
        ]
    )
    assert groups == [[1], [2]]


@pytest.mark.parametrize(
    "title",
    ["🔥🔥🔥", "🚀", "2026", "12345 678", "https://example.com/a/b", "www.example.com", "", "   "],
)
def test_bare_titles_are_filed_alone(title: str) -> None:
    groups = story_ids(
        [
            report(1, title, "가신문"),
            report(2, title, "나일보"),
            report(3, "삼성전자, HBM4 양산 앞당겨", "다매체", companies=("삼성전자",)),
            report(4, f"{title} 삼성전자 HBM4 양산", "라뉴스", companies=("삼성전자",)),
        ]
    )
    assert [1] in groups and [2] in groups


def test_a_long_mixed_script_title_is_read_without_trouble() -> None:
    title = "삼성Galaxy S25출시 🚀 " + "ＡＢＣ가나다 " * 3000
    groups = story_ids([report(1, title, "가신문"), report(2, "다른 소식 정리 발표", "나일보")])
    assert groups == [[1], [2]]
