"""The audit trail: who did what, to what, with which outcome, from where, and when.

Records are appended by the Storage actor (its only writer) to the `audit` table and, one line
each, to `audit.log` in the log directory. They are kept in memory in time order for queries.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from logging.handlers import RotatingFileHandler
from pathlib import Path

from orchestrator import ids
from orchestrator.models.fields import iso, now
from orchestrator.store.tables import Table

FIELDS = (
    "id",
    "time",
    "user",
    "role",
    "action",
    "target",
    "outcome",
    "status",
    "client",
    "details",
)


class AuditTrail:
    def __init__(self, table: Table, log_dir: Path | None) -> None:
        self.table = table
        self.records: list[dict] = sorted((v for _, v in table.items()), key=lambda r: r["time"])
        self.file = _audit_file(log_dir) if log_dir is not None else None

    def append(self, entry: dict) -> dict:
        record = {"id": ids.new_id("A"), "time": iso(now()), **entry}
        record = {name: record.get(name) for name in FIELDS}
        self.records.append(record)
        self.table.put(record["id"], record)
        if self.file is not None:
            self.file.info(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        return record

    def select(
        self,
        user: str | None = None,
        action: str | None = None,
        target: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> Iterator[dict]:
        """Records newest first; `action` matches a prefix (`job.` finds every job action)."""
        for record in reversed(self.records):
            if user and record["user"] != user or target and record["target"] != target:
                continue
            if action and not (record["action"] or "").startswith(action):
                continue
            if since and record["time"] < since or until and record["time"] > until:
                continue
            yield record

    def purge(self, before: str) -> int:
        """Forget the records older than `before` (an ISO time in UTC, like theirs); returns how
        many. The lines already in audit.log stay: log files have their own retention."""
        old = [record for record in self.records if record["time"] < before]
        if old:
            self.records = [record for record in self.records if record["time"] >= before]
            for record in old:
                self.table.delete(record["id"])
        return len(old)

    def close(self) -> None:
        if self.file is not None:
            for handler in list(self.file.handlers):
                handler.close()
                self.file.removeHandler(handler)


def _audit_file(log_dir: Path) -> logging.Logger:
    """A logger of its own for audit.log, apart from the server's logger tree."""
    log_dir.mkdir(parents=True, exist_ok=True)
    logger = logging.Logger("audit")
    handler = RotatingFileHandler(
        log_dir / "audit.log", maxBytes=10 * 2**20, backupCount=10, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return logger
