"""Helpers the retention tests share: a real store in a test's directory, and runs of given
ages as of a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from orchestrator import ids
from orchestrator.models.fields import iso
from orchestrator.models.run import TERMINAL, new_run
from orchestrator.security.crypto import KeySource
from orchestrator.store.store import Store

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
TRIGGER = {"type": "api", "by": "test"}


def open_store(tmp_path: Path) -> Store:
    return Store(tmp_path / "store.db", KeySource(None, tmp_path / "secret.key"))


def owner(prefix: str = "J") -> dict:
    return {"id": ids.new_id(prefix), "name": f"owner-{ids.new_id(prefix)}"}


def add_run(store: Store, who: dict, days: float, state: str = "succeeded", **extra) -> dict:
    """A run of `who` created (and, when finished, finished) `days` before NOW."""
    at = iso(NOW - timedelta(days=days))
    kind = "job" if who["id"].startswith("J") else "pipeline"
    run = new_run(ids.new_id("R"), kind, who, TRIGGER, at, at if state == "scheduled" else None)
    run.update(state=state, finished_at=at if state in TERMINAL else None, **extra)
    store.runs.save(run)
    store.runs.save_output(run["id"], {"stdout": "out", "stderr": "", "truncated": False})
    return run


def ids_of(runs: list[dict]) -> list[str]:
    return [run["id"] for run in runs]


def reopened(store: Store, tmp_path: Path) -> Store:
    store.flush()
    store.close()
    return open_store(tmp_path)
