"""Building blocks the metrics tests share: a real store in a temporary directory, jobs and
runs with chosen states and times, and a `GET /metrics` document made of the real parts, and
Prometheus text read back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from orchestrator.definitions.jobs import create_job
from orchestrator.metrics.counts import counts
from orchestrator.metrics.system import sample
from orchestrator.models.fields import iso
from orchestrator.models.job import JobDefaults
from orchestrator.models.run import new_run
from orchestrator.security.crypto import KeySource
from orchestrator.store.store import Store

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def open_store(tmp_path: Path) -> Store:
    return Store(tmp_path / "store.sqlite", KeySource(None, tmp_path / "secret.key"))


def add_job(store: Store, tmp_path: Path, name: str) -> dict:
    body = {"name": name, "command": "true", "workdir": str(tmp_path)}
    return create_job(store, body, "test", defaults=JobDefaults())


def add_run(store: Store, owner: dict, state: str, created: datetime, seconds: float | None = None):
    """Save a run of `owner` created at `created`; a finished one lasted `seconds`."""
    run = new_run(store.fresh_id("R"), "job", owner, {"type": "api", "by": "test"}, iso(created))
    run["state"] = state
    if seconds is not None:
        finished = created + timedelta(seconds=seconds)
        run.update(started_at=iso(created), finished_at=iso(finished), duration=seconds)
    store.runs.save(run)
    return run


def metrics_document(store: Store, tmp_path: Path, version: str = "0.3.0a0") -> dict:
    """A `GET /metrics` document built from the same parts the gateway joins."""
    got = counts(store, NOW)
    taken = sample(tmp_path)
    return {
        "system": {k: v for k, v in taken.items() if k != "process"},
        "process": taken["process"],
        **{k: got[k] for k in ("jobs", "pipelines", "schedules")},
        "runs": {**got["runs"], "running": 2, "queued": 5},
        "version": version,
    }


def families(text: str) -> dict:
    """Prometheus text parsed by the official client, as {family name: family}."""
    return {family.name: family for family in text_string_to_metric_families(text)}


def value(family, **labels: str) -> float:
    """The value of the family's sample that has exactly these labels."""
    return next(s.value for s in family.samples if s.labels == labels)
