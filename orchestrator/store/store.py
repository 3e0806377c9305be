"""The store: every definition, run and context in memory, backed by the SQLite tables.

Only the Storage actor calls it, so it needs no locks. Reads are served from memory (a SQLite
read costs ~100 µs through sqlitedict); writes go to memory at once and to the file at `flush()`,
which the Storage actor calls before it acknowledges anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from orchestrator import ids
from orchestrator.errors import Conflict, NotFound, ValidationError
from orchestrator.models.context import empty_context
from orchestrator.store.tables import Tables


class Store:
    def __init__(self, path: Path) -> None:
        self.tables = Tables(path)
        self.jobs: dict[str, dict] = {}
        self.job_names: dict[str, str] = {}
        self.runs: dict[str, dict] = {}
        self.runs_by_owner: dict[str, list[str]] = {}
        self.contexts: dict[str, dict] = {}
        self._load()

    def _load(self) -> None:
        for job in sorted((v for _, v in self.tables["jobs"].items()), key=_created):
            self.jobs[job["id"]] = job
            self.job_names[job["name"]] = job["id"]
        for run in sorted((v for _, v in self.tables["runs"].items()), key=_created):
            self._index_run(run)
        self.contexts = dict(self.tables["contexts"].items())

    def flush(self) -> int:
        return self.tables.flush()

    def close(self) -> None:
        self.tables.close()

    # Jobs ---------------------------------------------------------------------------------

    def find_job(self, ref: str) -> dict | None:
        """A job by ID (any case) or by exact name."""
        job_id = ids.as_id(ref, "J")
        if job_id and job_id in self.jobs:
            return self.jobs[job_id]
        found = self.job_names.get(ref)
        return self.jobs[found] if found else None

    def job(self, ref: str) -> dict:
        job = self.find_job(ref)
        if job is None:
            raise NotFound(f"No job has the ID or name '{ref}'.")
        return job

    def save_job(self, job: dict) -> dict:
        """Create or replace a job; its name must stay unique among jobs."""
        owner = self.job_names.get(job["name"])
        if owner is not None and owner != job["id"]:
            raise Conflict(f"A job named '{job['name']}' already exists.", {"id": owner})
        old = self.jobs.get(job["id"])
        if old is not None and old["name"] != job["name"]:
            del self.job_names[old["name"]]
        self.jobs[job["id"]] = job
        self.job_names[job["name"]] = job["id"]
        self.tables["jobs"].put(job["id"], job)
        return job

    def delete_job(self, job_id: str) -> None:
        job = self.jobs.pop(job_id)
        del self.job_names[job["name"]]
        self.tables["jobs"].delete(job_id)
        self.contexts.pop(ids.context_id(job_id), None)
        self.tables["contexts"].delete(ids.context_id(job_id))

    def fresh_id(self, prefix: str) -> str:
        while True:
            candidate = ids.new_id(prefix)
            if candidate not in self.jobs and candidate not in self.runs:
                return candidate

    def job_extra(self, job: dict) -> dict[str, Any]:
        """Fields of a job derived from its runs, for the API view."""
        runs = self.runs_by_owner.get(job["id"])
        last = self.runs[runs[-1]] if runs else None
        planned = [
            self.runs[r]["scheduled_for"]
            for r in runs or ()
            if self.runs[r]["state"] == "scheduled"
        ]
        return {
            "context_id": ids.context_id(job["id"]),
            "state": last["state"] if last else "never_run",
            "last_run_id": last["id"] if last else None,
            "next_run_at": min(planned) if planned else None,
        }

    def list_jobs(self, tag: str | None, state: str | None, q: str | None) -> Iterator[dict]:
        needle = q.lower() if q else None
        for job in self.jobs.values():
            if tag and tag not in job["tags"]:
                continue
            if needle and needle not in job["name"].lower():
                continue
            if state and self.job_extra(job)["state"] != state:
                continue
            yield job

    # Runs ---------------------------------------------------------------------------------

    def _index_run(self, run: dict) -> None:
        if run["id"] not in self.runs:
            self.runs_by_owner.setdefault(run["owner_id"], []).append(run["id"])
        self.runs[run["id"]] = run

    def save_run(self, run: dict) -> None:
        self._index_run(run)
        self.tables["runs"].put(run["id"], run)

    def run(self, ref: str) -> dict:
        run_id = ids.as_id(ref, "R")
        if run_id is None or run_id not in self.runs:
            raise NotFound(f"No run has the ID '{ref}'.")
        return self.runs[run_id]

    def list_runs(
        self,
        owner: str | None = None,
        kind: str | None = None,
        state: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> Iterator[dict]:
        """Runs newest first; `since`/`until` compare with the creation time (ISO strings)."""
        if owner is not None:
            order: Iterable[str] = reversed(self.runs_by_owner.get(owner, []))
        else:
            order = reversed(self.runs)
        for run_id in order:
            run = self.runs[run_id]
            if kind and run["kind"] != kind or state and run["state"] != state:
                continue
            if since and run["created_at"] < since or until and run["created_at"] > until:
                continue
            yield run

    def save_output(self, run_id: str, output: dict) -> None:
        self.tables["outputs"].put(run_id, output)

    def output(self, run_id: str) -> dict:
        return self.tables["outputs"].get(run_id) or {
            "stdout": "",
            "stderr": "",
            "truncated": False,
        }

    # Contexts -----------------------------------------------------------------------------

    def context(self, ref: str) -> dict:
        """A context by its ID, its owner's ID, or its owner's name."""
        upper = ref.strip().upper()
        owner = None
        if upper.startswith("CJ"):
            owner_id = ids.as_id(ref[1:], "J")
            owner = self.jobs.get(owner_id) if owner_id else None
        owner = owner or self.find_job(ref)
        if owner is None:
            raise NotFound(f"No context matches '{ref}'.")
        ctx_id = ids.context_id(owner["id"])
        stored = self.contexts.get(ctx_id)
        if stored is None:
            return empty_context(ctx_id, "job", owner)
        return {**stored, "owner_name": owner["name"]}

    def save_context(self, ctx: dict) -> None:
        self.contexts[ctx["id"]] = ctx
        self.tables["contexts"].put(ctx["id"], ctx)

    def reset_context(self, ref: str) -> dict:
        ctx = self.context(ref)
        self.contexts.pop(ctx["id"], None)
        self.tables["contexts"].delete(ctx["id"])
        return self.context(ctx["id"])


def _created(record: dict) -> str:
    return record.get("created_at") or ""


def check_limit(value: str | None, default: int = 100, maximum: int = 1000) -> int:
    """Parse a `limit` query parameter."""
    if value is None:
        return default
    if not value.isdigit() or not 1 <= int(value) <= maximum:
        raise ValidationError({"limit": f"must be an integer from 1 to {maximum}"})
    return int(value)
