"""The crash harness in short: one trial per activity, killed part-way through its work (the
long run is ``python -m bench.crash --activity all --trials 100 --seed 1``)."""

from __future__ import annotations

import asyncio

from bench.crash import ACTIVITIES, run_activity

# Seeds whose first trial's kill delay falls mid-way through the work on this machine, so
# the trial kills the process while it is writing or posting.
MID_WORK_SEEDS = {"import": 3, "feeds": 2, "digest": 4, "alerts": 7, "channels": 1}


async def test_a_process_killed_mid_work_loses_and_repeats_nothing() -> None:
    # The activities at once: each waits on its own processes most of the time.
    summaries = await asyncio.gather(
        *(
            run_activity(activity, [1], seed=MID_WORK_SEEDS[activity], latency=0.15, keep=False)
            for activity in ACTIVITIES
        )
    )
    trials = {summary.activity: summary.trials[0] for summary in summaries}
    assert {activity: trial.violations for activity, trial in trials.items()} == {
        activity: [] for activity in ACTIVITIES
    }
    assert all(trial.killed for trial in trials.values())
