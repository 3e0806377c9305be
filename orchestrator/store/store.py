"""The store: every definition, run and context in memory, backed by the SQLite tables.

Only the Storage actor calls it, so it needs no locks. Reads are served from memory (a SQLite
read costs ~100 µs through sqlitedict); writes go to memory at once and to the file at `flush()`,
which the Storage actor calls before it acknowledges anything.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from orchestrator import ids
from orchestrator.errors import Conflict, NotFound
from orchestrator.models.context import empty_context
from orchestrator.security.crypto import KeySource, SecretBox, unlock
from orchestrator.store.audit import AuditTrail
from orchestrator.store.definitions import Definitions
from orchestrator.store.history import RunHistory
from orchestrator.store.tables import Tables

KINDS = {"J": "job", "P": "pipeline"}


class Store:
    def __init__(self, path: Path, keys: KeySource, log_dir: Path | None = None) -> None:
        self.tables = Tables(path)
        meta = self.tables["meta"]
        try:
            self.box, check = unlock(keys, meta.get("key_check"))
        except Exception:
            self.tables.close()
            raise
        if check is not None:
            meta.put("key_check", check)
            self.tables.flush()
        self.jobs = Definitions("J", "job", self.tables["jobs"], self.box, ("secret_env",))
        self.pipelines = Definitions("P", "pipeline", self.tables["pipelines"], self.box)
        self.schedules = Definitions("S", "schedule", self.tables["schedules"], self.box)
        self.webhooks = Definitions("W", "webhook", self.tables["webhooks"], self.box, ("secret",))
        self.marks: dict[str, dict] = dict(self.tables["schedule_marks"].items())
        self.runs = RunHistory(self.tables["runs"], self.tables["outputs"], self.box)
        self.contexts: dict[str, dict] = dict(self.tables["contexts"].items())
        self.audit = AuditTrail(self.tables["audit"], log_dir)
        self._by_prefix = {
            "R": self.runs,
            "J": self.jobs,
            "P": self.pipelines,
            "S": self.schedules,
            "W": self.webhooks,
        }

    def flush(self) -> int:
        return self.tables.flush()

    def reseal(self, box: SecretBox) -> int:
        """Seal every secret again with `box` (whose first key is the new one) and commit."""
        kinds = (self.jobs, self.pipelines, self.schedules, self.webhooks)
        count = sum(d.reseal(box) for d in kinds) + self.runs.reseal(box)
        self.box = box
        self.tables["meta"].put("key_check", box.check_value())
        self.flush()
        return count

    def close(self) -> None:
        self.tables.close()
        self.audit.close()

    def fresh_id(self, prefix: str) -> str:
        # Only records of the same prefix can hold the candidate (an ID starts with its kind).
        taken = self._by_prefix.get(prefix, ())
        while True:
            candidate = ids.new_id(prefix)
            if candidate not in taken:
                return candidate

    def definitions(self, some_id: str) -> Definitions:
        """The definitions of the kind an ID (or kind name) belongs to."""
        kinds = {"J": self.jobs, "P": self.pipelines, "S": self.schedules, "W": self.webhooks}
        return kinds[some_id[0].upper()]

    def owner_extra(self, record: dict) -> dict[str, Any]:
        """Fields of a job or pipeline derived from its runs, for the API view."""
        last = self.runs.last_started_of(record["id"])
        planned = self.runs.planned_of(record["id"]) + self.schedule_fires(record["id"])
        return {
            "context_id": ids.context_id(record["id"]),
            "state": self.runs.state_of(record["id"]),
            "last_run_id": last["id"] if last else None,
            "next_run_at": min(planned) if planned else None,
        }

    def schedule_fires(self, owner_id: str) -> list[str]:
        """Next fire times of the enabled schedules that target this job or pipeline."""
        return [
            self.marks[s["id"]]["next_fire_at"]
            for s in self.schedules.values()
            if s["enabled"]
            and owner_id in s["targets"]
            and self.marks.get(s["id"], {}).get("next_fire_at")
        ]

    def save_marks(self, schedule_id: str, marks: dict) -> dict:
        merged = {**self.marks.get(schedule_id, {}), **marks}
        self.marks[schedule_id] = merged
        self.tables["schedule_marks"].put(schedule_id, merged)
        return merged

    def drop_marks(self, schedule_id: str) -> None:
        """Forget a deleted schedule's marks (its checkpoint and next fire)."""
        self.marks.pop(schedule_id, None)
        self.tables["schedule_marks"].delete(schedule_id)

    def find_owner(self, ref: str) -> dict | None:
        """A job or pipeline by ID or name; Conflict when a name is both."""
        job, pipeline = self.jobs.find(ref), self.pipelines.find(ref)
        if job is not None and pipeline is not None:
            raise Conflict(
                f"'{ref}' names both a job and a pipeline; use an ID instead.",
                {"job_id": job["id"], "pipeline_id": pipeline["id"]},
            )
        return job or pipeline

    def owner_id(self, ref: str | None) -> str | None:
        """The owner ID for a runs filter: resolved by name, or the text as given."""
        if ref is None:
            return None
        owner = self.find_owner(ref)
        return owner["id"] if owner else ref.strip().upper()

    # Contexts -----------------------------------------------------------------------------

    def context(self, ref: str) -> dict:
        """A context by its ID, its owner's ID, or its owner's name."""
        owner = None
        upper = ref.strip().upper()
        if upper[:2] in ("CJ", "CP"):
            owner_id = ids.as_id(upper[1:], upper[1])
            owner = self.definitions(upper[1]).get(owner_id) if owner_id else None
        owner = owner or self.find_owner(ref)
        if owner is None:
            raise NotFound(f"No context matches '{ref}'.")
        ctx_id = ids.context_id(owner["id"])
        stored = self.contexts.get(ctx_id)
        if stored is None:
            return empty_context(ctx_id, KINDS[owner["id"][0]], owner)
        return {**stored, "owner_name": owner["name"]}

    def save_context(self, ctx: dict) -> None:
        if ids.owner_of_context(ctx["id"]) in self.definitions(ctx["owner_id"]):
            self.contexts[ctx["id"]] = ctx
            self.tables["contexts"].put(ctx["id"], ctx)

    def drop_context(self, owner_id: str) -> None:
        if self.contexts.pop(ids.context_id(owner_id), None) is not None:
            self.tables["contexts"].delete(ids.context_id(owner_id))

    def reset_context(self, ref: str) -> dict:
        ctx = self.context(ref)
        self.drop_context(ctx["owner_id"])
        return self.context(ctx["id"])
