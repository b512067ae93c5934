"""ISO weeks, written ``2026-W48``: the unit the archive files roundups under."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from news.core.errors import InvalidInput

_WEEK = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)
# Far enough for any news, and well inside what the archive can file: its sort keys count
# minutes since 1970 in 31 bits (until 6053), and the last ISO week of 9999 ends in 10000,
# past what datetime holds.
FIRST_YEAR, LAST_YEAR = 1, 2999
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def week_of(moment: date | datetime) -> str:
    """The ISO week a date or time falls in (times are taken in their own zone)."""
    year, week, _ = moment.isocalendar()
    return f"{year:04d}-W{week:02d}"


def parse_week(text: str) -> str:
    """Normalise ``2026-W48``, ``2026W48`` or ``2026-w8``; InvalidInput when it is no real week."""
    match = _WEEK.match(text)
    if not match:
        raise InvalidInput("week.invalid", text=text[:40])
    year, week = int(match[1]), int(match[2])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise _year_out_of_range(text)
    if not 1 <= week <= _weeks_in_year(year):
        raise InvalidInput("week.no_such_week", year=year, week=week)
    return f"{year:04d}-W{week:02d}"


def parse_date(text: str) -> date:
    """A calendar date written YYYY-MM-DD; InvalidInput otherwise."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput("date.invalid", text=text[:40]) from None
    if not FIRST_YEAR <= day.isocalendar().year <= LAST_YEAR:  # its week is filable too
        raise _year_out_of_range(text)
    return day


def week_start(week: str) -> date:
    """The Monday that opens an ISO week."""
    year, number = int(week[:4]), int(week[6:])
    return date.fromisocalendar(year, number, 1)


def week_bounds(week: str) -> tuple[datetime, datetime]:
    """[start, end) of an ISO week in UTC."""
    start = datetime.combine(week_start(week), datetime.min.time(), tzinfo=UTC)
    return start, start + timedelta(days=7)


def week_dates(week: str, language: str, *, compact: bool = False) -> str:
    """The Monday-to-Sunday dates of an ISO week as people write them: ``2026년 11월 23일 –
    29일`` or ``Nov 23 – 29, 2026``; ``compact`` leaves the year and the spaces out, for
    titles: ``11월 23일–29일`` or ``Nov 23–29``."""
    first = week_start(week)
    last = first + timedelta(days=6)
    if compact:
        if language == "ko":
            end = f"{last.day}일" if last.month == first.month else f"{last.month}월 {last.day}일"
            return f"{first.month}월 {first.day}일–{end}"
        end = str(last.day) if last.month == first.month else _english_day(last)
        return f"{_english_day(first)}–{end}"
    if language == "ko":
        return f"{_korean_date(first)} – {_korean_date(last, after=first)}"
    if first.year != last.year:
        return f"{_english_day(first)}, {first.year} – {_english_day(last)}, {last.year}"
    end = f"{last.day}" if last.month == first.month else _english_day(last)
    return f"{_english_day(first)} – {end}, {last.year}"


def previous_weeks(week: str, count: int) -> list[str]:
    """``count`` weeks ending with ``week``, oldest first."""
    monday = week_start(week)
    return [week_of(monday - timedelta(weeks=back)) for back in range(count - 1, -1, -1)]


def _year_out_of_range(text: str) -> InvalidInput:
    return InvalidInput(
        "week.out_of_range", text=text[:40].strip(), first=FIRST_YEAR, last=LAST_YEAR
    )


def _weeks_in_year(year: int) -> int:
    # December 28th always falls in the last ISO week of its year.
    return date(year, 12, 28).isocalendar()[1]


def _korean_date(day: date, *, after: date | None = None) -> str:
    """``2026년 11월 23일``, leaving out what the start of the range already said."""
    if after is None or after.year != day.year:
        return f"{day.year}년 {day.month}월 {day.day}일"
    return f"{day.month}월 {day.day}일" if after.month != day.month else f"{day.day}일"


def _english_day(day: date) -> str:
    return f"{MONTHS_EN[day.month - 1]} {day.day}"
