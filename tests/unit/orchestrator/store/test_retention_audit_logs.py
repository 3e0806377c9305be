"""Tests of the rest of retention: audit records and rotated log files expire, and the Storage
actor purges when asked and keeps one next purge armed with the Timekeeper."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from actors import messages as m
from actors.storage import StorageActor
from actors.storage.transfer import Retention
from orchestrator import ids
from orchestrator.config_schema import RetentionConfig
from orchestrator.models.fields import iso
from orchestrator.models.job import JobDefaults
from orchestrator.store.retention import purge, purge_logs
from orchestrator.store.store import Store
from orchestrator.timekeeper import Timekeeper
from tests.retention_helpers import NOW, add_run, open_store, owner, reopened


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path)
    yield opened
    opened.close()


class TestAuditRetention:
    def test_old_audit_records_go(self, store: Store, tmp_path: Path) -> None:
        """Audit records older than audit_days go from memory and from disk."""
        for days in (120, 100, 80, 2):
            time_ = iso(NOW - timedelta(days=days))
            record = {"id": ids.new_id("A"), "time": time_, "user": "u", "action": f"a{days}"}
            store.tables["audit"].put(record["id"], record)
        again = reopened(store, tmp_path)
        try:
            assert purge(again, NOW, runs_days=30, keep_last=1, audit_days=90)["audit"] == 2
            assert [r["action"] for r in again.audit.select()] == ["a2", "a80"]
            third = reopened(again, tmp_path)
            assert [r["action"] for r in third.audit.select()] == ["a2", "a80"]
            third.close()
        finally:
            again.close()


class TestLogRetention:
    def test_rotated_files_older_than_logs_days_go(self, tmp_path: Path) -> None:
        """Only `*.log.N` files last written before the cutoff are deleted."""
        old = (NOW - timedelta(days=20)).timestamp()
        young = (NOW - timedelta(days=2)).timestamp()
        files = {"info.log": old, "info.log.1": young, "info.log.2": old, "audit.log.7": old,
                 "notes.txt": old, "error.log.bak": old}  # fmt: skip
        for name, mtime in files.items():
            (tmp_path / name).write_text(name)
            os.utime(tmp_path / name, (mtime, mtime))
        assert purge_logs(tmp_path, NOW, logs_days=14) == 2
        left = sorted(p.name for p in tmp_path.iterdir())
        assert left == ["error.log.bak", "info.log", "info.log.1", "notes.txt"]

    def test_a_missing_directory_is_nothing_to_do(self, tmp_path: Path) -> None:
        """No log directory: nothing is deleted and nothing fails."""
        assert purge_logs(tmp_path / "absent", NOW, logs_days=1) == 0


class TestPurgeClock:
    def test_the_storage_actor_purges_and_arms_the_next_purge(
        self, store: Store, tmp_path: Path
    ) -> None:
        """Each Purge answers its counts and leaves exactly one next purge armed."""
        job = owner()
        add_run(store, job, 100)
        timekeeper = Timekeeper()
        settings = RetentionConfig(keep_last_runs=0)
        retention = Retention(settings, tmp_path, timekeeper)
        actor = StorageActor.start(store, JobDefaults(), retention=retention)
        try:
            assert actor.ask(m.Purge(NOW)) == {"runs": 1, "audit": 0, "logs": 0}
            assert actor.ask(m.Purge(NOW)) == {"runs": 0, "audit": 0, "logs": 0}
            assert timekeeper.pending() == 1
        finally:
            actor.stop()
            timekeeper.stop()
