"""Which week a post covers, and the markers that tell its parts apart."""

from __future__ import annotations

from datetime import date

import pytest

from news.digest.posts import covered_week, part_marker


@pytest.mark.parametrize(
    ("day", "week"),
    [
        (date(2026, 11, 30), "2026-W48"),  # Monday: the week that just ended
        (date(2026, 12, 3), "2026-W48"),  # Thursday: still the week before
        (date(2026, 12, 4), "2026-W49"),  # Friday: this week, nearly over
        (date(2026, 12, 6), "2026-W49"),  # Sunday: this week
    ],
)
def test_a_post_covers_the_latest_week_mostly_behind_it(day: date, week: str) -> None:
    assert covered_week(day) == week


def test_a_monday_post_in_january_covers_the_last_week_of_the_year_before() -> None:
    assert covered_week(date(2027, 1, 4)) == "2026-W53"


def test_marker_numbers_parts_from_one() -> None:
    assert part_marker("2026-W48", 1, 0, 3) == "roundup-bot · 2026-W48 · 1/3"


def test_a_forced_copy_has_markers_of_its_own() -> None:
    assert part_marker("2026-W48", 2, 2, 3) == "roundup-bot · 2026-W48 · 3/3 · #2"
