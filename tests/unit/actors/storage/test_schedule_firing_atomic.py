"""A schedule fire is one write: its checkpoint and its runs reach the disk in the same commit
(the due time the runs record: tests/integration/gateway/schedules/test_schedule_due_time.py)."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from actors import messages as m
from actors.storage import StorageActor
from orchestrator.definitions.jobs import create_job
from orchestrator.definitions.schedules import create_schedule
from orchestrator.models.job import JobDefaults
from orchestrator.runs.creation import fire_targets
from orchestrator.store.health import StoreUnavailable
from orchestrator.store.store import Store
from tests.transfer_helpers import Stores

DUE = "2026-12-01T03:00:00.000+00:00"
MARKS = {"checkpoint": DUE, "last_fired_at": "2026-12-01T03:00:00.004+00:00"}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Stores(tmp_path)
    yield opened("fire")
    with contextlib.suppress(Exception):
        opened.close()


def _schedule(store: Store, tmp_path: Path) -> dict:
    job = create_job(
        store, {"name": "j", "command": "true", "workdir": str(tmp_path)}, "t", JobDefaults()
    )
    schedule = create_schedule(store, {"name": "s", "cron": "0 3 * * *", "targets": ["j"]}, "t")
    assert schedule["targets"] == [job["id"]]
    store.flush()
    return schedule


def _on_disk(store: Store, schedule_id: str) -> tuple[str | None, int]:
    """The checkpoint and the number of runs in the file, read through a connection of its own."""
    with contextlib.closing(sqlite3.connect(store.tables.path)) as conn:
        row = conn.execute(
            'SELECT value FROM "schedule_marks" WHERE key = ?', (schedule_id,)
        ).fetchone()
        (runs,) = conn.execute('SELECT COUNT(*) FROM "runs"').fetchone()
    checkpoint = None if row is None else json.loads(row[0]).get("checkpoint")
    return checkpoint, runs


class TestFireIsOneCommit:
    """Marks and runs of a fire are written together or not at all."""

    def test_marks_and_runs_wait_for_the_same_flush(self, store: Store, tmp_path: Path):
        """Both are pending and neither on disk until one flush writes both."""
        schedule = _schedule(store, tmp_path)
        before = _on_disk(store, schedule["id"])
        started, skipped = fire_targets(store, schedule["id"], DUE, MARKS)
        assert len(started) == 1 and skipped == []
        assert schedule["id"] in store.tables["schedule_marks"].pending
        assert started[0][1]["id"] in store.tables["runs"].pending
        assert _on_disk(store, schedule["id"]) == before
        store.flush()
        assert _on_disk(store, schedule["id"]) == (DUE, 1)

    def test_a_failed_commit_through_storage_keeps_neither(self, store: Store, tmp_path: Path):
        """When the fire's commit fails (SQLite refuses the run), the checkpoint stays too."""
        schedule = _schedule(store, tmp_path)
        before = _on_disk(store, schedule["id"])
        with contextlib.closing(sqlite3.connect(store.tables.path)) as conn:
            conn.execute(
                'CREATE TRIGGER refuse_runs BEFORE INSERT ON "runs" '
                "BEGIN SELECT RAISE(ABORT, 'disk refused'); END"
            )
            conn.commit()
        actor = StorageActor.start(store, JobDefaults())
        try:
            with pytest.raises(StoreUnavailable) as refused:
                actor.ask(m.CreateScheduledRuns(schedule["id"], DUE, MARKS), timeout=10)
            assert "disk refused" in refused.value.details["cause"]
            assert _on_disk(store, schedule["id"]) == before
            assert before[0] != DUE and before[1] == 0
        finally:
            with contextlib.closing(sqlite3.connect(store.tables.path)) as conn:
                conn.execute("DROP TRIGGER refuse_runs")
                conn.commit()
            with contextlib.suppress(Exception):
                actor.stop()

    def test_storage_commits_both_before_it_answers(self, store: Store, tmp_path: Path):
        """Through the Storage actor, the reply comes once both are on disk; runs carry `due`."""
        schedule = _schedule(store, tmp_path)
        actor = StorageActor.start(store, JobDefaults())
        try:
            started, _ = actor.ask(m.CreateScheduledRuns(schedule["id"], DUE, MARKS), timeout=10)
            assert _on_disk(store, schedule["id"]) == (DUE, 1)
            assert started[0][1]["scheduled_for"] == DUE and started[0][1]["state"] == "queued"
        finally:
            actor.stop()
