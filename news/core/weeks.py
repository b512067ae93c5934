"""ISO weeks, written ``2026-W48``: the unit the archive files roundups under."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from locales import t

from news.core.errors import InvalidInput

_WEEK = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)
# Far enough for any news, and well inside what the archive can file: its sort keys count
# minutes since 1970 in 31 bits (until 6053), and the last ISO week of 9999 ends in 10000,
# past what datetime holds.
FIRST_YEAR, LAST_YEAR = 1, 2999
_MONTH_KEYS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


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
    titles: ``11월 23일–29일`` or ``Nov 23–29``. The patterns are the catalogues' (dates.*)."""
    first = week_start(week)
    last = first + timedelta(days=6)
    span = (
        "within_month"
        if (first.year, first.month) == (last.year, last.month)
        else "across_months"
        if first.year == last.year
        else "across_years"
    )
    return t(
        language,
        f"dates.{'compact' if compact else 'week'}_{span}",
        year=first.year,
        month=_month(language, first),
        start_year=first.year,
        start_month=_month(language, first),
        start_day=first.day,
        end_year=last.year,
        end_month=_month(language, last),
        end_day=last.day,
    )


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


def _month(language: str, day: date) -> str:
    return t(language, f"dates.months.{_MONTH_KEYS[day.month - 1]}")
