"""A week of several imported roundups and feed stories: each story once in the digest."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from news.core.models import DigestCandidate, Roundup, RoundupSection
from news.digest.compile import digest_from_week
from tests.news.digest.test_compile import MONDAY, TOPICS, WEEK, headline, roundup

NOW = MONDAY + timedelta(days=7)


def week_digest(*parts: Roundup | DigestCandidate) -> list[list[str]]:
    roundups = [r for r in parts if isinstance(r, Roundup)]
    candidates = [c for c in parts if isinstance(c, DigestCandidate)]
    digest = digest_from_week(
        roundups,
        candidates,
        guild_id=7,
        week=WEEK,
        language="en",
        topics=TOPICS,
        now=NOW,
    )
    return [[item.headline.title for item in s.items] for s in digest.sections]


def test_every_roundup_of_the_week_is_in_the_digest_with_its_sections() -> None:
    first = roundup(RoundupSection(0, "A", "", (), (headline(1, "하나"),)))
    second = replace(
        roundup(RoundupSection(0, "B", "", (), (headline(2, "둘"),))), id=2, title="다른 글"
    )

    assert week_digest(first, second) == [["하나"], ["둘"]]


def test_a_link_two_roundups_carry_is_shown_once_where_it_first_appears() -> None:
    shared = "https://news.example/shared"
    first = roundup(RoundupSection(0, "A", "", (), (headline(1, "하나", url=shared),)))
    second = replace(
        roundup(
            RoundupSection(
                0, "B", "", (), (headline(2, "같은 기사", url=shared), headline(3, "셋"))
            )
        ),
        id=2,
    )

    assert week_digest(first, second) == [["하나"], ["셋"]]


def test_a_story_another_roundup_carries_under_another_link_is_shown_once() -> None:
    first = roundup(RoundupSection(0, "A", "", (), (headline(1, "하나"),)))
    second = replace(roundup(RoundupSection(0, "B", "", (), (headline(2, "같은 이야기"),))), id=2)
    stories = [
        DigestCandidate(headline(1, "하나"), None, story_id=1),
        DigestCandidate(headline(2, "같은 이야기"), None, story_id=1),
    ]

    assert week_digest(first, second, *stories) == [["하나"]]


def test_feed_stories_no_roundup_carries_follow_the_roundups() -> None:
    listed = headline(1, "하나")
    first = roundup(RoundupSection(0, "A", "", (), (listed,)))
    feed_copy = DigestCandidate(headline(5, "Same story, feed", url=listed.url), "Feed", 5)
    feed_other = DigestCandidate(headline(6, "A feed story"), "Feed", 6)

    assert week_digest(first, DigestCandidate(listed, None, 1), feed_copy, feed_other) == [
        ["하나"],
        ["A feed story"],
    ]
