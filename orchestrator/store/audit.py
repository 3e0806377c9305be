"""The audit trail: who did what, to what, with which outcome, from where, and when.

Records are appended by the Storage actor (its only writer) to the `audit` table and, one line
each, to `audit.log` in the log directory. Queries read the table, newest first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from orchestrator import ids, json_codec
from orchestrator.log_files import SERVER_FLUSH_EVERY, RotatingLogFile
from orchestrator.models.fields import iso, now
from orchestrator.store.tables import Table

_TIME = "json_extract(value, '$.time')"


def _matcher(
    user: str | None, action: str | None, target: str | None, since: str | None, until: str | None
) -> Callable[[dict], bool]:
    def wanted(record: dict) -> bool:
        if user and record["user"] != user or target and record["target"] != target:
            return False
        if action and not (record["action"] or "").startswith(action):
            return False
        return not (since and record["time"] < since or until and record["time"] > until)

    return wanted


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
_ENTRY_FIELDS = FIELDS[2:]


class AuditTrail:
    """The trail lives in its table, not in memory: a busy server audits tens of thousands of
    actions a day, kept for `retention.audit_days`, and holding them all in memory made the
    server grow with every request. Queries read the table through an index on the time."""

    def __init__(self, table: Table, log_dir: Path | None) -> None:
        self.table = table
        self.file = _audit_file(log_dir) if log_dir is not None else None
        conn = table.db.conn
        conn.execute(f'CREATE INDEX IF NOT EXISTS "{table.name}_time" ON "{table.name}" ({_TIME})')
        conn.commit()

    def append(self, entry: dict) -> dict:
        # Built in one pass, in FIELDS' order; an entry's own `id` or `time` wins, as before.
        get = entry.get
        record = {
            "id": entry["id"] if "id" in entry else ids.new_id("A"),
            "time": entry["time"] if "time" in entry else iso(now()),
        }
        for name in _ENTRY_FIELDS:
            record[name] = get(name)
        self.table.put(record["id"], record)
        if self.file is not None:
            self.file.write_line(json_codec.dumps(record))
        return record

    def select(
        self,
        user: str | None = None,
        action: str | None = None,
        target: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> Iterator[dict]:
        """Records newest first; `action` matches a prefix (`job.` finds every job action).
        Records not yet committed come first, as they are the newest."""
        wanted = _matcher(user, action, target, since, until)
        pending = [v for v in self.table.pending.values() if isinstance(v, dict)]
        # Newest first; entries of the same millisecond in the order they came, reversed.
        newest = sorted(reversed(pending), key=lambda r: r.get("time") or "", reverse=True)
        yield from (r for r in newest if wanted(r))
        where, args = "", []
        if since:
            where, args = f" WHERE {_TIME} >= ?", [since]
        if until:
            where += (" AND" if where else " WHERE") + f" {_TIME} <= ?"
            args.append(until)
        sql = f'SELECT value FROM "{self.table.name}"{where} ORDER BY {_TIME} DESC, rowid DESC'
        for (value,) in self.table.db.conn.select(sql, tuple(args)):
            record = self.table.db.decode(value)
            if record["id"] not in self.table.pending and wanted(record):
                yield record

    def older_than(self, before: str) -> list[str]:
        """The IDs of the records older than `before` (committed ones)."""
        sql = f'SELECT key FROM "{self.table.name}" WHERE {_TIME} < ?'
        return [key for (key,) in self.table.db.conn.select(sql, (before,))]

    def purge(self, before: str) -> int:
        """Forget the records older than `before` (an ISO time in UTC, like theirs); returns how
        many. The lines already in audit.log stay: log files have their own retention."""
        old = self.older_than(before)
        for key in old:
            self.table.delete(key)
        return len(old)

    def close(self) -> None:
        if self.file is not None:
            self.file.close()


def _audit_file(log_dir: Path) -> RotatingLogFile:
    """audit.log, apart from the server's logger tree: the Storage thread hands it each line
    itself (no log record is made), batched like the server's own log files."""
    log_dir.mkdir(parents=True, exist_ok=True)
    return RotatingLogFile(
        log_dir / "audit.log",
        SERVER_FLUSH_EVERY,
        maxBytes=10 * 2**20,
        backupCount=10,
        encoding="utf-8",
    )
