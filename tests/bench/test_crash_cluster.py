"""The kill trials across processes in short: one trial of each fault (the long run is
``python -m bench.crash_cluster --trials 100 --seed 1``)."""

from __future__ import annotations

from bench.crash_cluster import BOUND_S, FAULTS, run_trials
from testkit.postgres import TemplateServer


async def test_three_processes_lose_and_repeat_nothing_when_one_is_killed_frozen_or_cut_off(
    postgres_server: TemplateServer,
) -> None:
    summary = await run_trials(len(FAULTS), seed=1, report=False, server=postgres_server)
    assert [trial.fault for trial in summary.trials] == list(FAULTS)
    assert {trial.number: trial.violations for trial in summary.trials} == {
        trial.number: [] for trial in summary.trials
    }
    assert summary.final == []
    # Every trial's three digests were posted, none later than the bound after it was due.
    assert [len(trial.lateness) for trial in summary.trials] == [3, 3, 3]
    assert max(summary.lateness()) <= BOUND_S
