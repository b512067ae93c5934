from datetime import UTC, date, datetime

import pytest

from news.core.errors import InvalidInput
from news.core.weeks import (
    parse_date,
    parse_week,
    previous_weeks,
    week_bounds,
    week_dates,
    week_of,
)


def test_week_of_uses_iso_calendar_across_new_year() -> None:
    assert week_of(date(2027, 1, 1)) == "2026-W53"


def test_parse_week_accepts_compact_and_lowercase_forms() -> None:
    assert parse_week("2026w8") == "2026-W08"


@pytest.mark.parametrize("text", ["", "2026", "2026-W00", "2025-W53", "0000-W01", "W12", "x" * 500])
def test_parse_week_refuses_weeks_that_do_not_exist(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_week(text)


def test_parse_date_refuses_impossible_dates() -> None:
    with pytest.raises(InvalidInput, match="not a date"):
        parse_date("2026-02-30")


def test_previous_weeks_are_oldest_first_and_end_with_the_given_week() -> None:
    assert previous_weeks("2026-W02", 3) == ["2025-W52", "2026-W01", "2026-W02"]


def test_week_bounds_span_monday_to_monday_in_utc() -> None:
    start, end = week_bounds("2026-W48")
    assert start == datetime(2026, 11, 23, tzinfo=UTC)
    assert end == datetime(2026, 11, 30, tzinfo=UTC)


@pytest.mark.parametrize("text", ["9999-W52", "3000-W01", "0000-W00"])
def test_parse_week_refuses_years_the_archive_cannot_file(text: str) -> None:
    # 9999-W52 ends in the year 10000: searching it used to raise OverflowError.
    with pytest.raises(InvalidInput, match="out of range"):
        parse_week(text)


@pytest.mark.parametrize("text", ["9999-12-31", "3000-01-01", "2999-12-31"])
def test_parse_date_refuses_years_the_archive_cannot_file(text: str) -> None:
    # A headline of 9999-12-31 used to overflow its SQLite sort key; 2999-12-31 falls in
    # 3000-W01, a week that could not be asked for.
    with pytest.raises(InvalidInput, match="out of range"):
        parse_date(text)


def test_the_first_and_last_filable_days_are_dates() -> None:
    assert parse_date("0001-01-01") == date(1, 1, 1)
    assert parse_week("2999-W52") == "2999-W52"


@pytest.mark.parametrize(
    ("week", "language", "compact", "expected"),
    [
        ("2026-W48", "en", False, "Nov 23 – 29, 2026"),
        ("2026-W48", "ko", False, "2026년 11월 23일 – 29일"),
        ("2026-W53", "en", False, "Dec 28, 2026 – Jan 3, 2027"),
        ("2026-W53", "ko", False, "2026년 12월 28일 – 2027년 1월 3일"),
        ("2026-W49", "en", False, "Nov 30 – Dec 6, 2026"),
        ("2026-W49", "ko", False, "2026년 11월 30일 – 12월 6일"),
        ("2026-W48", "ko", True, "11월 23일–29일"),
        ("2026-W53", "en", True, "Dec 28–Jan 3"),
        ("2026-W48", "en", True, "Nov 23–29"),
        ("2026-W49", "en", True, "Nov 30–Dec 6"),
        ("2026-W49", "ko", True, "11월 30일–12월 6일"),
    ],
)
def test_week_dates(week: str, language: str, compact: bool, expected: str) -> None:
    assert week_dates(week, language, compact=compact) == expected
