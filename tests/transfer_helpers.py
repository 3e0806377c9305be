"""Helpers the transfer tests share: real stores opened by name in a test's directory, a store
filled with one of each kind of definition, and imports that must fail without changing a thing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from orchestrator.definitions import pipelines, schedules, webhooks
from orchestrator.definitions.jobs import create_job
from orchestrator.errors import ValidationError
from orchestrator.models.job import JobDefaults
from orchestrator.security.crypto import KeySource
from orchestrator.store.store import Store
from orchestrator.store.transfer import export, import_document

DEFAULTS = JobDefaults(timeout=600.0)
MASKED = "masked secret; export with include_secrets=true"


class Stores:
    """Opens real stores by name in one directory and closes them all at the end."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.opened: list[Store] = []

    def __call__(self, name: str) -> Store:
        keys = KeySource(None, self.directory / f"{name}.key")
        store = Store(self.directory / f"{name}.db", keys)
        self.opened.append(store)
        return store

    def close(self) -> None:
        for store in self.opened:
            store.close()


def fill(store: Store) -> dict[str, dict]:
    """Two jobs (one with a secret), a pipeline, a schedule and a webhook (with a secret)."""
    job = {"name": "build", "command": "make", "workdir": "/srv", "secret_env": {"TOKEN": "t0p"},
           "env": {"A": "1"}, "tags": ["ci"], "timeout": 30}  # fmt: skip
    made = {"build": create_job(store, job, "alice", DEFAULTS)}
    made["test"] = create_job(
        store, {"name": "test", "command": "t", "workdir": "/"}, "bob", DEFAULTS
    )
    steps = [{"id": "b", "job": "build"}, {"id": "t", "job": "test"}]
    made["flow"] = pipelines.create_pipeline(store, {"name": "flow", "steps": steps}, "alice")
    body = {"name": "nightly", "cron": "0 3 * * *", "targets": ["flow", "test"]}
    made["nightly"] = schedules.create_schedule(store, body, "alice")
    body = {"name": "hook", "url": "https://example.org/h", "events": ["*"], "secret": "s3"}
    made["hook"] = webhooks.create_webhook(store, body, "alice")
    store.flush()
    return made


def same(doc: dict) -> dict:
    """The document without the one field that differs between two exports."""
    return {k: v for k, v in doc.items() if k != "exported_at"}


def load(store: Store, doc: Any, mode: str = "merge", dry_run: bool = False) -> dict:
    answer = import_document(store, doc, mode, dry_run, "importer", DEFAULTS)
    store.flush()
    return answer


def problems(store: Store, doc: Any, mode: str = "merge") -> dict[str, str]:
    """Import a bad document: it must fail, change nothing, and name its problems by path."""
    before = export(store, True)
    with pytest.raises(ValidationError) as caught:
        load(store, doc, mode)
    assert same(export(store, True)) == same(before)
    errors = caught.value.details["errors"]
    assert errors and all(set(e) == {"path", "message"} for e in errors)
    assert errors[0]["path"] in caught.value.message
    return {e["path"]: e["message"] for e in errors}
