"""Alert delivery without Discord: the pacer's spacing under a fake clock, and the batch's embed
within Discord's limits."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from cogs.alerts.delivery import LISTED_PER_MESSAGE, RequestPacer, alert_embed
from cogs.common.embeds import DESCRIPTION_LIMIT, EMBED_TOTAL_LIMIT, TITLE_LIMIT
from news.alerts.models import AlertBatch, Delivery, PendingAlert
from news.core.models import Headline

RATE = 40.0  # requests per second: 25 ms apart


class FakeTime:
    """A monotonic clock that moves only when told, and a sleep that records its waits and
    moves the clock by them."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now
        self.waits: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0)  # lets the other senders take their slots meanwhile


def pacer(time: FakeTime) -> RequestPacer:
    return RequestPacer(RATE, clock=time.clock, sleep=time.sleep)


async def test_concurrent_requests_are_spaced_one_interval_apart() -> None:
    time = FakeTime()
    slots = pacer(time)

    await asyncio.gather(*(slots.slot() for _ in range(5)))

    # The first goes at once; the n-th waits n intervals.
    assert time.waits == pytest.approx([1 / RATE * n for n in range(1, 5)])


async def test_requests_after_time_has_passed_wait_only_for_what_is_left() -> None:
    time = FakeTime()
    slots = pacer(time)
    for _ in range(3):
        await slots.slot()  # slots at +0, +25 ms, +50 ms; the next is free at +75 ms
    time.waits.clear()

    time.now += 0.060
    await slots.slot()

    assert time.waits == pytest.approx([0.015])


async def test_an_idle_pacer_does_not_bank_slots_for_a_burst() -> None:
    time = FakeTime()
    slots = pacer(time)
    await slots.slot()

    time.now += 60.0  # a quiet minute: no 2,400 slots saved up
    await asyncio.gather(*(slots.slot() for _ in range(4)))

    assert time.waits == pytest.approx([1 / RATE * n for n in range(1, 4)])


def test_a_pacer_needs_a_positive_rate() -> None:
    with pytest.raises(ValueError, match="positive"):
        RequestPacer(0)


# --- the embed ----------------------------------------------------------------------------------

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def pending(
    n: int,
    *,
    title: str | None = None,
    url: str | None = None,
    label: str = "보안",
    companies: tuple[str, ...] = ("Samsung Electronics",),
) -> PendingAlert:
    headline = Headline(
        id=n,
        title=title if title is not None else f"Headline {n}",
        url=url if url is not None else f"https://news.test/{n}",
        summary="",
        language="en",
        published_at=NOW - timedelta(minutes=n),  # the lower n, the newer
        week="2026-W48",
        companies=companies,
    )
    return PendingAlert(1, 2, Delivery.DM, headline, label, NOW)


def batch(*alerts: PendingAlert, language: str = "en") -> AlertBatch:
    return AlertBatch(77, 1, None, Delivery.DM, 5, "nonce", alerts, language)


def assert_within_discord_limits(embed_length: int, title: str, description: str) -> None:
    assert embed_length <= EMBED_TOTAL_LIMIT
    assert len(title) <= TITLE_LIMIT
    assert len(description) <= DESCRIPTION_LIMIT


def test_a_small_batch_lists_every_headline_newest_first() -> None:
    embed = alert_embed(batch(pending(3), pending(1), pending(2)))

    description = embed.description or ""
    assert [line.split("]")[0] for line in description.splitlines()] == [
        "• [Headline 1",
        "• [Headline 2",
        "• [Headline 3",
    ]
    assert "3" in (embed.title or "")
    assert "more" not in description


def test_the_footer_is_the_batch_marker() -> None:
    assert alert_embed(batch(pending(1))).footer.text == "alert #77"


def test_a_huge_batch_lists_ten_and_counts_the_rest_with_a_pointer_to_headlines() -> None:
    embed = alert_embed(batch(*(pending(n) for n in range(1, 501))))

    description = embed.description or ""
    listed = [line for line in description.splitlines() if line.startswith("•")]
    assert len(listed) == LISTED_PER_MESSAGE
    assert description.splitlines()[-1] == "…and 490 more: /headlines 보안"
    assert "500" in (embed.title or "")
    assert_within_discord_limits(len(embed), embed.title or "", description)


def test_the_overflow_points_to_plain_headlines_when_several_subscriptions_matched() -> None:
    alerts = [pending(n, label="보안" if n % 2 else "HBM") for n in range(1, 30)]

    description = alert_embed(batch(*alerts)).description or ""

    assert description.splitlines()[-1] == "…and 19 more: /headlines"


def test_very_long_titles_and_links_keep_the_embed_within_limits_and_the_count_right() -> None:
    long_url = "https://news.test/" + "a" * 490
    alerts = [pending(n, title="*" * 5000, url=long_url, label="_" * 100) for n in range(500)]

    embed = alert_embed(batch(*alerts))

    description = embed.description or ""
    listed = [line for line in description.splitlines() if line.startswith("•")]
    assert 1 <= len(listed) <= LISTED_PER_MESSAGE
    # Whatever could not be listed is counted, none silently dropped.
    last = description.splitlines()[-1]
    assert last.startswith(f"…and {500 - len(listed)} more: /headlines")
    assert_within_discord_limits(len(embed), embed.title or "", description)


def test_a_headline_too_long_to_list_is_still_counted() -> None:
    crowded = pending(1, companies=tuple(f"Company {n:03d}" for n in range(400)))

    description = alert_embed(batch(crowded, pending(2))).description or ""

    assert description == "…and 2 more: /headlines 보안"


def test_markdown_in_titles_and_labels_is_escaped() -> None:
    alert = pending(1, title="**Big** news_here [x](https://evil.test)", label="`code`")

    description = alert_embed(batch(alert)).description or ""

    assert r"\*\*Big\*\* news\_here \[x" in description
    assert r"\`code\`" in description


def test_the_overflow_hint_escapes_the_subscription_label() -> None:
    alerts = [pending(n, label="**loud**") for n in range(1, 12)]

    description = alert_embed(batch(*alerts)).description or ""

    assert description.splitlines()[-1] == r"…and 1 more: /headlines \*\*loud\*\*"


def test_the_embed_speaks_the_users_language() -> None:
    embed = alert_embed(batch(*(pending(n) for n in range(1, 13)), language="ko"))

    assert "12건" in (embed.title or "")
    assert (embed.description or "").splitlines()[-1] == "…외 2건: /headlines 보안"
