"""bot.jobs.Backoff: a failed job run pauses the next ones, doubling, bounded, until one works."""

from __future__ import annotations

from bot.jobs import Backoff


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_runs_go_while_nothing_failed() -> None:
    assert Backoff(15, clock=Ticks()).due()


def test_a_failure_pauses_the_runs_for_the_jobs_period() -> None:
    ticks = Ticks()
    backoff = Backoff(15, clock=ticks)

    assert backoff.failed() == 15
    ticks.now = 14.9
    assert not backoff.due()
    ticks.now = 15
    assert backoff.due()


def test_each_failure_doubles_the_pause_up_to_the_longest() -> None:
    backoff = Backoff(15, longest_seconds=100, clock=Ticks())

    assert [backoff.failed() for _ in range(5)] == [15, 30, 60, 100, 100]


def test_a_run_that_works_ends_the_pause() -> None:
    backoff = Backoff(15, clock=Ticks())
    backoff.failed()
    backoff.failed()

    backoff.succeeded()

    assert backoff.due() and backoff.failed() == 15
