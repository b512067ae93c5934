"""Alert preferences: quiet hours in the user's own time zone (across midnight and DST changes),
the clock times people type, and when alerts wait."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from news.alerts.models import AlertPrefs, QuietHours, parse_clock
from news.core.errors import InvalidInput

SEOUL_NIGHT = QuietHours(22 * 60, 7 * 60, "Asia/Seoul")  # 13:00-22:00 UTC
NEW_YORK_NIGHT = QuietHours(22 * 60, 7 * 60, "America/New_York")


def utc(day: int, hour: int, minute: int = 0, *, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [
        (utc(25, 12, 59), False),  # 21:59 in Seoul
        (utc(25, 13, 0), True),  # 22:00
        (utc(25, 15, 0), True),  # midnight
        (utc(25, 21, 59), True),  # 06:59 the next morning
        (utc(25, 22, 0), False),  # 07:00
        (utc(25, 3, 0), False),  # noon
    ],
)
def test_quiet_hours_cross_midnight_in_the_users_zone(moment: datetime, quiet: bool) -> None:
    assert SEOUL_NIGHT.contains(moment) is quiet


def test_quiet_hours_read_a_moment_given_in_another_zone_by_its_instant() -> None:
    # 09:00 in New York is 23:00 in Seoul: quiet there, whatever zone the moment carries.
    morning_in_new_york = datetime(2026, 11, 25, 9, 0, tzinfo=ZoneInfo("America/New_York"))

    assert SEOUL_NIGHT.contains(morning_in_new_york)
    assert not NEW_YORK_NIGHT.contains(morning_in_new_york)


def test_quiet_hours_follow_the_clock_across_a_dst_change() -> None:
    # 11:30 UTC is 06:30 EST on 7 March 2026 but 07:30 EDT on 8 March, when clocks go forward.
    assert NEW_YORK_NIGHT.contains(utc(7, 11, 30, month=3))
    assert not NEW_YORK_NIGHT.contains(utc(8, 11, 30, month=3))
    # And the evening start moves with it: 22:00 EDT is 02:00 UTC.
    assert NEW_YORK_NIGHT.contains(utc(9, 2, 0, month=3))
    assert not NEW_YORK_NIGHT.contains(utc(9, 1, 59, month=3))


def test_quiet_hours_in_the_repeated_hour_when_clocks_go_back() -> None:
    # 1 November 2026: 01:30 happens twice in New York (EDT then EST); both are quiet.
    assert NEW_YORK_NIGHT.contains(utc(1, 5, 30))
    assert NEW_YORK_NIGHT.contains(utc(1, 6, 30))


@pytest.mark.parametrize(
    ("hour", "quiet"), [(8, False), (9, True), (12, True), (16, True), (17, False), (3, False)]
)
def test_quiet_hours_within_one_day(hour: int, quiet: bool) -> None:
    office = QuietHours(9 * 60, 17 * 60, "UTC")

    assert office.contains(utc(25, hour)) is quiet


def test_quiet_hours_describe_themselves() -> None:
    assert SEOUL_NIGHT.describe() == "22:00–07:00 (Asia/Seoul)"


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("22:30", 22 * 60 + 30),
        ("7", 7 * 60),
        ("07", 7 * 60),
        ("0730", 7 * 60 + 30),
        ("730", 7 * 60 + 30),
        ("7:05", 7 * 60 + 5),
        ("7.05", 7 * 60 + 5),
        (" 23:59 ", 23 * 60 + 59),
        ("0", 0),
        ("00:00", 0),
    ],
)
def test_parse_clock_reads_the_usual_ways_to_write_a_time(text: str, minutes: int) -> None:
    assert parse_clock(text) == minutes


@pytest.mark.parametrize(
    "text",
    ["", " ", "24", "24:00", "25:00", "12:60", "7:5", "-1", "+7", "abc", "10pm", "22:30:15",
     "22:30+09:00", "T22:30", "１２", "٣", "12345"],
)  # fmt: skip
def test_parse_clock_refuses_what_is_not_a_time_of_day(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_clock(text)


NOW = utc(25, 3, 0)  # noon in Seoul


def test_alerts_wait_while_paused_and_go_after() -> None:
    prefs = AlertPrefs(1, paused_until=NOW + timedelta(hours=2))

    assert prefs.paused_at(NOW)
    assert prefs.holds_at(NOW + timedelta(hours=1, minutes=59))
    assert not prefs.paused_at(NOW + timedelta(hours=2))
    assert not prefs.holds_at(NOW + timedelta(hours=2))


def test_quiet_hours_hold_alerts_without_pausing_them() -> None:
    prefs = AlertPrefs(1, quiet=SEOUL_NIGHT)

    assert prefs.holds_at(utc(25, 14))
    assert not prefs.paused_at(utc(25, 14))
    assert not prefs.holds_at(NOW)


def test_without_pause_or_quiet_hours_nothing_waits() -> None:
    assert not AlertPrefs(1).holds_at(NOW)
