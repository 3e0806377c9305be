"""Tests of run retention on a real store: old finished runs go with their outputs; the
latest runs of each job and pipeline, every active run, linked pipeline runs and the indexes
stay right, also once the store is read again; 90,000 runs go in well under 10 s."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from orchestrator import ids
from orchestrator.models.fields import iso
from orchestrator.models.run import new_run
from orchestrator.store.retention import purge
from orchestrator.store.store import Store
from tests.retention_helpers import NOW, TRIGGER, add_run, ids_of, open_store, owner, reopened


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path)
    yield opened
    opened.close()


class TestRunRetention:
    def test_old_runs_go_and_recent_ones_stay(self, store: Store) -> None:
        """Finished runs older than runs_days go with their output; younger ones stay."""
        job = owner()
        old = [add_run(store, job, days) for days in range(60, 40, -1)]
        recent = [add_run(store, job, days) for days in (5, 3, 1)]
        counts = purge(store, NOW, runs_days=30, keep_last=2, audit_days=90)
        assert counts == {"runs": 20, "audit": 0}
        assert store.runs.by_owner[job["id"]] == ids_of(recent)
        assert all(run["id"] not in store.runs for run in old)
        assert store.runs.output(old[0]["id"])["stdout"] == ""
        assert store.runs.output(recent[0]["id"])["stdout"] == "out"

    def test_the_last_runs_of_each_owner_stay_whatever_their_age(self, store: Store) -> None:
        """keep_last runs per job and per pipeline stay, however old they are."""
        job, other, pipeline = owner(), owner(), owner("P")
        job_runs = [add_run(store, job, 100 - i) for i in range(6)]
        other_runs = [add_run(store, other, 200), add_run(store, other, 199)]
        pipeline_runs = [add_run(store, pipeline, 100 - i, steps=[]) for i in range(4)]
        purge(store, NOW, runs_days=30, keep_last=3, audit_days=90)
        assert store.runs.by_owner[job["id"]] == ids_of(job_runs[-3:])
        assert store.runs.by_owner[other["id"]] == ids_of(other_runs)
        assert store.runs.by_owner[pipeline["id"]] == ids_of(pipeline_runs[-3:])
        assert len(store.runs) == 8

    def test_active_runs_never_go(self, store: Store) -> None:
        """Scheduled, queued, running and retrying runs stay even with keep_last 0."""
        job = owner()
        finished = add_run(store, job, 90, "failed")
        active = [add_run(store, job, 90, state) for state in ("queued", "running", "retrying")]
        planned = add_run(store, job, 90, "scheduled")
        purge(store, NOW, runs_days=1, keep_last=0, audit_days=90)
        assert finished["id"] not in store.runs
        assert store.runs.by_owner[job["id"]] == ids_of([*active, planned])
        assert store.runs.active[job["id"]] == 4
        assert store.runs.planned[job["id"]] == {planned["id"]}

    def test_a_pipeline_run_goes_with_its_step_runs(self, store: Store) -> None:
        """An old pipeline run and its old step runs go together, outputs included."""
        pipeline, job = owner("P"), owner()
        run = add_run(store, pipeline, 50)
        steps = [add_run(store, job, 50, pipeline_run_id=run["id"]) for _ in range(2)]
        run["steps"] = [{"id": f"s{i}", "run_id": step["id"]} for i, step in enumerate(steps)]
        store.runs.save(run)
        counts = purge(store, NOW, runs_days=30, keep_last=0, audit_days=90)
        assert counts["runs"] == 3 and len(store.runs) == 0
        assert store.runs.by_owner == {}

    def test_linked_runs_stay_while_one_of_them_must(self, store: Store) -> None:
        """A step run kept as its job's latest keeps its pipeline run, and a recent retry that
        shares an old step run keeps the original run: nothing points at a purged run."""
        pipeline, job = owner("P"), owner()
        first = add_run(store, pipeline, 50)
        shared = add_run(store, job, 50, pipeline_run_id=first["id"])
        failed = add_run(store, job, 50, "failed", pipeline_run_id=first["id"])
        retry = add_run(store, pipeline, 1)
        again = add_run(store, job, 1, pipeline_run_id=retry["id"])
        first["steps"] = [{"id": "a", "run_id": shared["id"]}, {"id": "b", "run_id": failed["id"]}]
        retry["steps"] = [{"id": "a", "run_id": shared["id"]}, {"id": "b", "run_id": again["id"]}]
        store.runs.save(first)
        store.runs.save(retry)
        lone = [add_run(store, pipeline, 60, steps=[]) for _ in range(2)]
        purge(store, NOW, runs_days=30, keep_last=0, audit_days=90)
        assert set(store.runs.records) == set(ids_of([first, shared, failed, retry, again]))
        assert all(run["id"] not in store.runs for run in lone)

    def test_indexes_and_reopening_agree(self, store: Store, tmp_path: Path) -> None:
        """After a purge, lists, latest runs and counts match the store read again from disk."""
        jobs = [owner() for _ in range(3)]
        add_run(store, jobs[0], 45, "running")
        for days in range(40, 0, -2):
            for job in jobs:
                add_run(store, job, days, "failed" if days % 4 else "succeeded")
        purge(store, NOW, runs_days=10, keep_last=2, audit_days=90)
        before = {k: list(v) for k, v in store.runs.by_owner.items()}
        last = {job["id"]: store.runs.last_of(job["id"])["id"] for job in jobs}
        assert len(before[jobs[1]["id"]]) == 5  # days 10 is not older than 10 days: it stays
        again = reopened(store, tmp_path)
        try:
            assert again.runs.by_owner == before
            assert {j["id"]: again.runs.last_of(j["id"])["id"] for j in jobs} == last
            assert len(again.runs) == sum(map(len, before.values())) == 16
            assert again.runs.active_owners() == {jobs[0]["id"]}
            assert len(list(again.runs.select(state="failed"))) == len(
                [r for r in again.runs.records.values() if r["state"] == "failed"]
            )
        finally:
            again.close()


class TestSpeed:
    def test_purge_90k_of_100k_runs(self, store: Store, tmp_path: Path) -> None:
        """90,000 of 100,000 stored runs are purged, and committed, in well under 10 s."""
        owners = [owner() for _ in range(1000)]
        for i in range(100):
            at = iso(NOW - timedelta(days=100 - i * 0.5))
            for who in owners:
                run = new_run(ids.new_id("R"), "job", who, TRIGGER, at)
                run.update(state="succeeded", finished_at=at)
                store.runs.save(run)
        store.flush()
        started = time.perf_counter()
        counts = purge(store, NOW, runs_days=30, keep_last=10, audit_days=90)
        store.flush()
        seconds = time.perf_counter() - started
        print(f"\npurged {counts['runs']} of 100000 runs in {seconds:.2f} s")
        assert counts["runs"] == 90_000 and len(store.runs) == 10_000
        assert seconds < 10
        again = reopened(store, tmp_path)
        assert len(again.runs) == 10_000
        again.close()
