"""Same-story grouping: one story from several outlets is one group, different stories are not."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bench.digest import build_week, pairwise_accuracy
from news.core.models import DigestCandidate, Headline
from news.stories.clustering import StoryIndex, group_by_story_id, group_same_stories

Grouping = Callable[[Sequence[DigestCandidate]], list[list[DigestCandidate]]]

MONDAY = datetime(2026, 11, 23, 9, tzinfo=UTC)


def candidate(
    number: int,
    title: str,
    source: str | None = None,
    *,
    url: str | None = None,
    companies: tuple[str, ...] = (),
) -> DigestCandidate:
    headline = Headline(
        id=number,
        title=title,
        url=url,
        summary="",
        language="ko",
        published_at=MONDAY + timedelta(minutes=number),
        week="2026-W48",
        companies=companies,
    )
    return DigestCandidate(headline, source or f"outlet {number}")


def grouped_on_arrival(candidates: Sequence[DigestCandidate]) -> list[list[DigestCandidate]]:
    """Each candidate added to a StoryIndex in publication order, as feeds bring them, then
    grouped by the story id it got."""
    index = StoryIndex()
    order = sorted(range(len(candidates)), key=lambda i: candidates[i].headline.published_at)
    story_of = {i: index.add(candidates[i]) for i in order}
    stored = [replace(c, story_id=story_of[i]) for i, c in enumerate(candidates)]
    return group_by_story_id(stored) or []


@pytest.fixture(params=[group_same_stories, grouped_on_arrival], ids=["batch", "on_arrival"])
def group(request: pytest.FixtureRequest) -> Grouping:
    """Every grouping rule holds for a whole week at once and for a week as it arrives."""
    grouping: Grouping = request.param
    return grouping


def ids(groups: list[list[DigestCandidate]]) -> list[list[int]]:
    return [[member.headline.id for member in group] for group in groups]


def test_same_canonical_url_merges_different_titles(group: Grouping) -> None:
    groups = group(
        [
            candidate(1, "반도체 수출 석 달째 증가", url="https://news.example/a/1"),
            candidate(2, "Chip exports up again", url="https://news.example/a/1?utm_source=x"),
        ]
    )
    assert ids(groups) == [[1, 2]]


def test_korean_near_duplicates_from_different_outlets_merge(group: Grouping) -> None:
    groups = group(
        [
            candidate(1, "삼성전자, HBM4 양산 앞당겨", "가신문", companies=("삼성전자",)),
            candidate(2, "삼성전자가 HBM4 양산 일정을 앞당겼다", "나일보", companies=("삼성전자",)),
        ]
    )
    assert ids(groups) == [[1, 2]]


def test_english_near_duplicates_merge(group: Grouping) -> None:
    groups = group(
        [
            candidate(1, "Samsung moves up HBM4 mass production", "Wire A"),
            candidate(2, "Samsung accelerates HBM4 mass production timeline", "Wire B"),
        ]
    )
    assert ids(groups) == [[1, 2]]


def test_different_stories_about_the_same_company_stay_apart(group: Grouping) -> None:
    groups = group(
        [
            candidate(1, "삼성전자 HBM4 양산", companies=("삼성전자",)),
            candidate(2, "삼성전자 폴더블폰 출시", companies=("삼성전자",)),
        ]
    )
    assert ids(groups) == [[1], [2]]


def test_same_event_at_different_companies_stays_apart(group: Grouping) -> None:
    groups = group(
        [
            candidate(1, "삼성전자 HBM4 12단 제품 양산 돌입", companies=("삼성전자",)),
            candidate(2, "SK하이닉스 HBM4 12단 제품 양산 돌입", companies=("SK하이닉스",)),
        ]
    )
    assert ids(groups) == [[1], [2]]


def test_outlet_tags_do_not_split_a_story(group: Grouping) -> None:
    groups = group(
        [
            candidate(1, "[단독] 카카오, 판교 이전 (종합)", "가신문"),
            candidate(2, "[속보] 카카오 판교 이전… [영상]", "나일보"),
        ]
    )
    assert ids(groups) == [[1, 2]]


def test_outlet_name_in_the_title_does_not_split_a_story(group: Grouping) -> None:
    groups = group(
        [
            candidate(
                1, "Apple delays smart home hub - Tech Wire Daily Brief", "Tech Wire Daily Brief"
            ),
            candidate(
                2, "Apple delays smart home hub | Gadget News Now Online", "Gadget News Now Online"
            ),
        ]
    )
    assert ids(groups) == [[1, 2]]


def test_groups_keep_input_order(group: Grouping) -> None:
    groups = group(
        [
            candidate(3, "Apple delays smart home hub to next year"),
            candidate(1, "네이버, 초대형 AI 데이터센터 세종에 짓는다"),
            candidate(2, "Apple pushes smart home hub to next year, delays it"),
        ]
    )
    assert ids(groups) == [[3, 2], [1]]


def test_no_candidates_give_no_groups(group: Grouping) -> None:
    assert group([]) == []


def test_synthetic_week_is_grouped_precisely_and_completely(group: Grouping) -> None:
    week = build_week(headlines=3000, sources=60, seed=7)
    accuracy = pairwise_accuracy(group(week.candidates), week.labels)
    assert accuracy.precision >= 0.9
    assert accuracy.recall >= 0.9


def test_a_story_id_is_the_id_of_the_headline_that_opened_it() -> None:
    index = StoryIndex()
    first = index.add(candidate(7, "삼성전자, HBM4 양산 앞당겨", "가신문", companies=("삼성전자",)))
    second = index.add(
        candidate(9, "삼성전자가 HBM4 양산 일정을 앞당겼다", "나일보", companies=("삼성전자",))
    )
    other = index.add(candidate(11, "네이버, 초대형 AI 데이터센터 세종에 짓는다"))
    assert (first, second, other) == (7, 7, 11)


def test_an_index_restored_from_stored_ids_places_later_headlines_alike() -> None:
    week = build_week(headlines=1500, sources=40, seed=11)
    arrivals = sorted(week.candidates, key=lambda c: c.headline.published_at)
    earlier, later = arrivals[:750], arrivals[750:]
    original = StoryIndex()
    stored = [original.add(c) for c in earlier]
    restored = StoryIndex()
    for c, story_id in zip(earlier, stored, strict=True):
        restored.restore(c, story_id)

    assert [restored.add(c) for c in later] == [original.add(c) for c in later]
