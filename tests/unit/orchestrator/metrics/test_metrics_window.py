"""The counts of the last 24 hours kept as runs are saved always equal a full recount."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

from orchestrator.metrics.counts import WINDOW, summary
from orchestrator.models.fields import iso, now, parse_time
from orchestrator.models.run import TERMINAL
from orchestrator.store.store import Store
from tests.metrics_helpers import NOW, add_job, add_run, open_store

STATES = ["queued", "running", "succeeded", "failed", "cancelled", "timed_out", "scheduled"]


def recount(store: Store, now) -> dict:
    """Every run looked at: those created at or after now - 24 h, in any order."""
    by_state, finished, durations = {}, 0, []
    since = now - WINDOW
    for run in store.runs.records.values():
        created = parse_time(run["created_at"])
        if created is None or created < since:
            continue
        by_state[run["state"]] = by_state.get(run["state"], 0) + 1
        if run["state"] in TERMINAL:
            finished += 1
            if run.get("started_at") and run.get("duration") is not None:
                durations.append(float(run["duration"]))
    return {"by_state_24h": by_state, "finished_24h": finished, "duration_24h": summary(durations)}


def kept(store: Store, now) -> dict:
    return store.runs.window.counts(now)


class TestRunWindow:
    """Saves, state changes, purges and the passing of time keep the counts exact."""

    def test_saves_and_state_changes_match_a_recount(self, tmp_path: Path):
        """Runs spread over two days, then half of them change state: counts follow."""
        store, rng = open_store(tmp_path), random.Random(7)
        job = add_job(store, tmp_path, "job")
        runs = []
        for index in range(600):
            created = NOW - timedelta(minutes=rng.randrange(0, 48 * 60))
            seconds = round(rng.uniform(0.1, 9.0), 3) if index % 3 else None
            runs.append(add_run(store, job, rng.choice(STATES), created, seconds))
        assert kept(store, NOW) == recount(store, NOW)
        for run in runs[::2]:
            store.runs.save({**run, "state": rng.choice(STATES), "duration": rng.uniform(0, 5)})
        assert kept(store, NOW) == recount(store, NOW)

    def test_purged_runs_leave_the_counts(self, tmp_path: Path):
        """Retention removes runs (a few, then most): they count no more."""
        store = open_store(tmp_path)
        job = add_job(store, tmp_path, "job")
        runs = [
            add_run(store, job, "succeeded", NOW - timedelta(minutes=i), float(i % 7))
            for i in range(200)
        ]
        store.runs.remove([runs[0]["id"], runs[5]["id"]])
        assert kept(store, NOW) == recount(store, NOW)
        store.runs.remove([run["id"] for run in runs[10:190]])
        assert kept(store, NOW) == recount(store, NOW)
        assert kept(store, NOW)["finished_24h"] == 18

    def test_the_window_moves_with_the_clock(self, tmp_path: Path):
        """As a fake clock passes, runs leave one by one and then all at once."""
        store = open_store(tmp_path)
        job = add_job(store, tmp_path, "job")
        for minute in range(0, 24 * 60, 7):
            add_run(store, job, "failed", NOW - timedelta(minutes=minute), minute / 60)
        clock = NOW
        for step in (1, 30, 60, 300, 600):
            clock += timedelta(minutes=step)
            assert kept(store, clock) == recount(store, clock), clock
        add_run(store, job, "running", clock)  # a new run after the window moved
        assert kept(store, clock) == recount(store, clock)
        clock += timedelta(hours=30)
        assert kept(store, clock) == recount(store, clock)
        assert kept(store, clock)["by_state_24h"] == {}
        add_run(store, job, "queued", clock)
        assert kept(store, clock)["by_state_24h"] == {"queued": 1}

    def test_a_reopened_store_counts_what_it_loaded(self, tmp_path: Path):
        """Runs read back at start are counted as when they were saved (real clock)."""
        store = open_store(tmp_path)
        job = add_job(store, tmp_path, "job")
        moment = now()
        add_run(store, job, "succeeded", moment - timedelta(hours=30), 3.0)  # too old
        for hours, seconds in ((1, 2.0), (2, 4.0), (3, 1.0)):
            add_run(store, job, "succeeded", moment - timedelta(hours=hours), seconds)
        store.flush()
        store.close()
        again = open_store(tmp_path)
        try:
            assert kept(again, moment) == recount(again, moment)
            assert kept(again, moment)["duration_24h"]["max"] == 4.0
            assert again.runs.active_total == 0
        finally:
            again.close()

    def test_a_created_time_that_cannot_be_read_is_not_counted(self, tmp_path: Path):
        """As the walk did, a record without a readable creation time is left out."""
        store = open_store(tmp_path)
        job = add_job(store, tmp_path, "job")
        run = add_run(store, job, "failed", NOW, 1.0)
        store.runs.save({**run, "id": "R000000000001", "created_at": "not a time"})
        assert kept(store, NOW)["by_state_24h"] == {"failed": 1}
        assert iso(NOW) == run["created_at"]


class TestWindowMemory:
    """Purged runs leave no trace in the window, whatever time remains before they would leave
    it."""

    def test_a_purge_of_most_runs_drops_their_entries(self, tmp_path: Path):
        """After purges that keep a fifth of the runs, the window lists only the runs kept."""
        store = open_store(tmp_path)
        job = add_job(store, tmp_path, "job")
        for _ in range(3):  # a short retention: runs come and go within the day
            runs = [add_run(store, job, "succeeded", NOW, 1.0) for _ in range(500)]
            store.runs.remove([run["id"] for run in runs[:400]])
        window = store.runs.window
        assert len(window.members) == len(store.runs) == 300
        assert window.listed <= len(window.members) * 5 // 4 + 32
        assert kept(store, NOW) == recount(store, NOW)

    def test_a_few_purged_runs_cost_no_pass(self, tmp_path: Path):
        """A purge of a handful of runs leaves their entries until there are enough to drop."""
        store = open_store(tmp_path)
        job = add_job(store, tmp_path, "job")
        runs = [add_run(store, job, "succeeded", NOW, 1.0) for _ in range(400)]
        store.runs.remove([runs[0]["id"], runs[1]["id"]])
        assert store.runs.window.listed == 400
        assert kept(store, NOW) == recount(store, NOW)
