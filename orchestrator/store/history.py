"""The run history: every run record in memory with an index by owner, outputs on disk.

Run records are small and read often (lists, states, counts), so they live in memory; outputs
can be large and are read rarely, so they stay in their own table until asked for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime

from orchestrator import ids
from orchestrator.errors import NotFound
from orchestrator.metrics.window import WINDOW, RunWindow
from orchestrator.security.crypto import SecretBox
from orchestrator.store.tables import Table

ACTIVE = frozenset({"scheduled", "queued", "running", "retrying"})


class RunHistory:
    """`box` seals the run-time `secret_env` of a run on disk; in memory it stays open, for the
    run that needs it and for a retry that reuses it."""

    def __init__(self, runs: Table, outputs: Table, box: SecretBox | None = None) -> None:
        self.table = runs
        self.outputs = outputs
        self.box = box
        self.records: dict[str, dict] = {}
        self.by_owner: dict[str, list[str]] = {}
        self.active: Counter[str] = Counter()  # owner ID -> runs scheduled, queued or running
        self.planned: dict[str, set[str]] = {}  # owner ID -> IDs of its `scheduled` runs
        self.active_total = 0  # runs scheduled, queued or running, of every owner
        # Counts of the last 24 hours follow every save, so /metrics never walks the runs.
        # Runs already older than the window are not even entered while loading.
        self.window = RunWindow()
        self.window.horizon = (datetime.now(UTC) - WINDOW).timestamp()
        self.window.loading = True
        stored = sorted((v for _, v in runs.items()), key=lambda r: r.get("created_at") or "")
        for run in stored:
            if run.get("secret_env") and box is not None:
                run = _with_secrets(run, box.open)
            self._index(run)
        self.window.loaded()
        self.window.horizon = RunWindow().horizon  # later saves: each read moves the window

    def __len__(self) -> int:
        return len(self.records)

    def __contains__(self, run_id: str) -> bool:
        return run_id in self.records

    def _index(self, run: dict) -> None:
        old = self.records.get(run["id"])
        if old is None:
            self.by_owner.setdefault(run["owner_id"], []).append(run["id"])
        else:
            self.active[run["owner_id"]] -= old["state"] in ACTIVE
            self.active_total -= old["state"] in ACTIVE
            if old["state"] == "scheduled":
                self.planned[run["owner_id"]].discard(run["id"])
        self.active[run["owner_id"]] += run["state"] in ACTIVE
        self.active_total += run["state"] in ACTIVE
        self.window.save(run)
        if run["state"] == "scheduled":
            self.planned.setdefault(run["owner_id"], set()).add(run["id"])
        self.records[run["id"]] = run

    def save(self, run: dict) -> None:
        self._index(run)
        self.table.put(run["id"], self._sealed(run))

    def _sealed(self, run: dict) -> dict:
        if not run.get("secret_env") or self.box is None:
            return run
        return _with_secrets(run, self.box.seal)

    def reseal(self, box: SecretBox) -> int:
        """Write again, sealed by `box`, every run that holds secrets (key rotation)."""
        self.box = box
        holding = [run for run in self.records.values() if run.get("secret_env")]
        for run in holding:
            self.table.put(run["id"], self._sealed(run))
        return len(holding)

    def require(self, ref: str) -> dict:
        run_id = ids.as_id(ref, "R")
        if run_id is None or run_id not in self.records:
            raise NotFound(f"No run has the ID '{ref}'.")
        return self.records[run_id]

    def count(self, owner_id: str | None = None) -> int:
        """How many runs there are (of one owner)."""
        return len(self.by_owner.get(owner_id, ())) if owner_id else len(self.records)

    def last_of(self, owner_id: str) -> dict | None:
        runs = self.by_owner.get(owner_id)
        return self.records[runs[-1]] if runs else None

    def state_of(self, owner_id: str) -> str:
        """A job's or pipeline's state, the one definition that views, filters and /metrics
        share: the state of its latest run that is not merely planned, or `never_run`."""
        last = self.last_started_of(owner_id)
        return str(last["state"]) if last else "never_run"

    def last_started_of(self, owner_id: str) -> dict | None:
        """The owner's latest run that is not merely planned for later (its state to show)."""
        for run_id in reversed(self.by_owner.get(owner_id, ())):
            if self.records[run_id]["state"] != "scheduled":
                return self.records[run_id]
        return None

    def planned_of(self, owner_id: str) -> list[str]:
        """The `scheduled_for` times of an owner's planned runs."""
        return [self.records[r]["scheduled_for"] for r in self.planned.get(owner_id, ())]

    def active_owners(self) -> set[str]:
        return {owner for owner, count in self.active.items() if count > 0}

    def select(
        self,
        owner: str | None = None,
        kind: str | None = None,
        state: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> Iterator[dict]:
        """Runs newest first; `since`/`until` compare with the creation time (ISO strings)."""
        order: Iterable[str]
        if owner is not None:
            order = reversed(self.by_owner.get(owner, []))
        else:
            order = reversed(self.records)
        for run_id in order:
            run = self.records[run_id]
            if kind and run["kind"] != kind or state and run["state"] != state:
                continue
            if since and run["created_at"] < since or until and run["created_at"] > until:
                continue
            yield run

    def remove(self, run_ids: Iterable[str]) -> int:
        """Forget runs and their outputs (retention); every index follows. Returns how many."""
        gone = {run_id for run_id in run_ids if run_id in self.records}
        owners = set()
        for run_id in gone:
            run = self.records.pop(run_id)
            owner = run["owner_id"]
            owners.add(owner)
            self.active[owner] -= run["state"] in ACTIVE
            self.active_total -= run["state"] in ACTIVE
            if run["state"] == "scheduled":
                self.planned[owner].discard(run_id)
            self.table.delete(run_id)
            self.outputs.delete(run_id)
        self.window.remove(list(gone))
        if len(gone) > len(self.records):
            # A dict never shrinks as entries go; copied, its table fits what is left (in the
            # same order), and the old table's memory is free for `release_memory`.
            self.records = dict(self.records)
        for owner in owners:
            # One pass per owner keeps this linear however many runs go at once.
            left = [run_id for run_id in self.by_owner[owner] if run_id not in gone]
            if left:
                self.by_owner[owner] = left
            else:  # an owner without runs (a deleted job's) keeps no entry in any index
                del self.by_owner[owner]
                if not self.active[owner]:
                    del self.active[owner]
                if not self.planned.get(owner, True):
                    del self.planned[owner]
        return len(gone)

    def drop_outputs(self, owner_id: str) -> None:
        """Forget the output of an owner's finished runs (the job is deleted; runs stay)."""
        for run_id in self.by_owner.get(owner_id, ()):
            if self.records[run_id]["state"] not in ACTIVE:
                self.outputs.delete(run_id)

    def save_output(self, run_id: str, output: dict) -> None:
        self.outputs.put(run_id, output)

    def output(self, run_id: str) -> dict:
        return self.outputs.get(run_id) or {"stdout": "", "stderr": "", "truncated": False}


def _with_secrets(run: dict, change: Callable[[str], str]) -> dict:
    """A copy of the run with each run-time secret value passed through `change`."""
    return {**run, "secret_env": {k: change(v) for k, v in run["secret_env"].items()}}
