"""Channel feed templates (placeholders, length bounds) and filters (keywords, topics,
companies, alternatives) as pure rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from news.channels.filters import FeedFilter, parse_filter, split_alternatives
from news.channels.templates import (
    MESSAGE_LIMIT,
    PLACEHOLDER_LIMITS,
    TEMPLATE_BUDGET,
    check_template,
    longest_render,
    render_template,
)
from news.core.errors import InvalidInput, NotFound
from news.feeds.sources import FeedSource, after_failure, after_success

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def test_an_unknown_placeholder_is_refused_naming_it() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_template("{title} by {author}")

    assert "{author}" in str(refused.value) and "{title}" in str(refused.value)


def test_a_template_that_could_exceed_the_limit_is_refused() -> None:
    with pytest.raises(InvalidInput):
        check_template("{summary}" * 4)


def test_every_accepted_template_renders_within_the_message_limit() -> None:
    template = check_template("x" * (TEMPLATE_BUDGET - PLACEHOLDER_LIMITS["url"]) + "{url}")
    values = dict.fromkeys(PLACEHOLDER_LIMITS, "y" * 5000)

    assert longest_render(template) == TEMPLATE_BUDGET
    assert len(render_template(template, values)) <= MESSAGE_LIMIT


def resolve(name: str) -> int:
    known = {"security": 3, "엔비디아": 12}
    if name not in known:
        raise NotFound("topic.unknown", name=name)
    return known[name]


def feed_filter(include: str, exclude: str = "") -> FeedFilter:
    return parse_filter(include, exclude, topic=resolve, company=resolve)


def test_include_alternatives_any_of_which_admits() -> None:
    check = feed_filter('quantum, "solar panel", topic:security, company:엔비디아')

    assert check.admits("Quantum leap", (), ())
    assert check.admits("New solar panel plant", (), ())
    assert not check.admits("Panel of solar experts", (), ())
    assert check.admits("Patch Tuesday", (), (3,))
    assert check.admits("GPU news", (12,), ())
    assert not check.admits("Bakery opens", (), ())


def test_exclude_wins_over_include() -> None:
    check = feed_filter("quantum", "rumour")

    assert not check.admits("Quantum rumour denied", (), ())


def test_a_comma_inside_quotes_does_not_split() -> None:
    assert split_alternatives('"a, b", c') == ['"a, b"', " c"]


def test_an_unknown_topic_in_a_filter_is_refused() -> None:
    with pytest.raises(NotFound):
        feed_filter("topic:gardening")


def test_feed_poll_seconds_is_the_shortest_wait_even_with_jitter() -> None:
    shortest = timedelta(seconds=900)
    for source_id in range(1, 200):
        source = FeedSource(id=source_id, url="https://a.test/feed", title="A")
        polled = after_success(
            source, NOW, new_headlines=1, max_age_seconds=None, shortest=shortest
        )
        failed = after_failure(source, NOW, "HTTP 500", shortest=shortest)
        assert polled.next_poll_at is not None and polled.next_poll_at - NOW >= shortest
        assert failed.next_poll_at is not None and failed.next_poll_at - NOW >= shortest


def test_retry_after_asking_for_longer_is_respected() -> None:
    source = FeedSource(id=1, url="https://a.test/feed", title="A")

    failed = after_failure(source, NOW, "HTTP 429", retry_after_seconds=7200)

    assert failed.next_poll_at is not None and failed.next_poll_at - NOW >= timedelta(hours=2)
