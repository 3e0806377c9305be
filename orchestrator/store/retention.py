"""Retention: old runs, old audit records and old rotated log files are removed on a schedule.

What goes, as of a time `now`:
- a run that finished (any terminal state) more than `runs_days` ago, unless it is among the
  `keep_last` latest runs of its job or pipeline, which stay whatever their age. A run that has
  not finished never goes.
- Runs linked by a pipeline go together or not at all: a pipeline run, its step runs, and the
  runs of its retries (a retry shares the step runs that had succeeded) form one group, purged
  only when every run of the group may go. So no pipeline run ever points at a purged step run
  and no step run at a purged pipeline run, at the price of keeping a few runs longer.
- the output of every purged run with it; contexts stay (they carry their own details).
- audit records older than `audit_days`; rotated log files (`*.log.N`) older than `logs_days`.

Deletions are queued in the tables' pending writes and committed by the caller's one flush.
Times in the store are ISO strings in UTC written by `iso(now())`, so they compare as strings.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from orchestrator.config_schema import RetentionConfig
from orchestrator.models.fields import iso
from orchestrator.models.run import TERMINAL
from orchestrator.store.history import RunHistory
from orchestrator.store.store import Store

ROTATED_LOG = re.compile(r"\.log\.\d+$")


def purge(
    store: Store, now: datetime, runs_days: float, keep_last: int, audit_days: float
) -> dict[str, int]:
    """Remove old runs (with their outputs) and old audit records; returns how many of each."""
    runs = purge_runs(store.runs, _cutoff(now, runs_days), keep_last)
    audit = store.audit.purge(_cutoff(now, audit_days))
    return {"runs": runs, "audit": audit}


def purge_runs(history: RunHistory, before: str, keep_last: int) -> int:
    return history.remove(doomed_runs(history, before, keep_last))


def doomed_runs(history: RunHistory, before: str, keep_last: int) -> set[str]:
    """The IDs of the runs that retention removes, given the UTC ISO time `before`."""
    records = history.records
    kept: set[str] = set()
    if keep_last > 0:
        for run_ids in history.by_owner.values():
            kept.update(run_ids[-keep_last:])
    may_go = {
        run_id
        for run_id, run in records.items()
        if run_id not in kept
        and run["state"] in TERMINAL
        and (run.get("finished_at") or run["created_at"]) < before
    }
    for group in _linked_groups(records):
        if not group <= may_go:
            may_go -= group
    return may_go


def _linked_groups(records: dict[str, dict]) -> list[set[str]]:
    """Sets of runs linked through pipelines (union-find over steps and `pipeline_run_id`)."""
    parent: dict[str, str] = {}

    def root(run_id: str) -> str:
        parent.setdefault(run_id, run_id)
        while parent[run_id] != run_id:
            parent[run_id] = parent[parent[run_id]]
            run_id = parent[run_id]
        return run_id

    def link(a: str, b: str) -> None:
        parent[root(a)] = root(b)

    for run_id, run in records.items():
        for step in run.get("steps") or ():
            if step.get("run_id") in records:
                link(run_id, step["run_id"])
        if run.get("pipeline_run_id") in records:
            link(run_id, run["pipeline_run_id"])
    groups: dict[str, set[str]] = {}
    for run_id in parent:
        groups.setdefault(root(run_id), set()).add(run_id)
    return list(groups.values())


def preview(
    store: Store,
    log_dir: Path | None,
    now: datetime,
    settings: RetentionConfig,
) -> dict[str, int]:
    """How many runs, audit records and rotated log files a purge at `now` would remove;
    nothing changes."""
    runs = doomed_runs(store.runs, _cutoff(now, settings.runs_days), settings.keep_last_runs)
    before = _cutoff(now, settings.audit_days)
    audit = len(store.audit.older_than(before))
    logs = len(old_logs(log_dir, now, settings.logs_days)) if log_dir else 0
    return {"runs": len(runs), "audit": audit, "logs": logs}


def old_logs(log_dir: Path, now: datetime, logs_days: float) -> list[Path]:
    """Rotated log files (`info.log.3`, `audit.log.1`, ...) last written more than `logs_days`
    before `now`; the files being written never count."""
    if not log_dir.is_dir():
        return []
    before = (now - timedelta(days=logs_days)).timestamp()
    found = []
    for path in log_dir.iterdir():
        if not ROTATED_LOG.search(path.name):
            continue
        try:
            if path.is_file() and path.stat().st_mtime < before:
                found.append(path)
        except OSError:
            continue  # gone meanwhile
    return found


def purge_logs(log_dir: Path, now: datetime, logs_days: float) -> int:
    """Delete the rotated log files `old_logs` names; returns how many were deleted."""
    deleted = 0
    for path in old_logs(log_dir, now, logs_days):
        try:
            path.unlink()
            deleted += 1
        except OSError:
            continue  # held open elsewhere (Windows) or gone meanwhile: the next purge retries
    return deleted


def _cutoff(now: datetime, days: float) -> str:
    moment = now if now.tzinfo else now.replace(tzinfo=UTC)
    return iso((moment - timedelta(days=days)).astimezone(UTC))
