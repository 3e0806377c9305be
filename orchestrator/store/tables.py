"""The tables of the one SQLite file, through sqlitedict, JSON-encoded (never pickle).

Each table is a sqlitedict of its own, used to create the table and to read it. Writes are
buffered here and flushed together through one connection in one transaction: one commit for all
that arrived together, and never two connections holding open write transactions at once (which
would make SQLite answer "database is locked").
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlitedict import SqliteDict

from orchestrator import json_codec
from orchestrator.store import output_codec

_DELETED = object()


class Table:
    """One entity kind: reads go straight to SQLite, writes wait in `pending` for `flush()`."""

    def __init__(self, path: Path, name: str, codec: Any = None) -> None:
        """`codec`: a module with `encode(value)` and `decode(row)` other than plain JSON."""
        self.name = name
        self.encode = codec.encode if codec else json_codec.dumps
        self.db = SqliteDict(
            str(path),
            tablename=name,
            autocommit=False,
            journal_mode="WAL",
            outer_stack=False,
            encode=self.encode,
            decode=codec.decode if codec else json_codec.loads,
        )
        # sqlitedict forces synchronous=OFF; NORMAL in WAL mode keeps every commit safe from a
        # crashed process while staying fast.
        self.db.conn.execute("PRAGMA synchronous=NORMAL")
        self.pending: dict[str, Any] = {}

    def put(self, key: str, value: Any) -> None:
        self.pending[key] = value

    def delete(self, key: str) -> None:
        self.pending[key] = _DELETED

    def get(self, key: str) -> Any:
        if key in self.pending:
            value = self.pending[key]
            return None if value is _DELETED else value
        return self.db.get(key)

    def items(self) -> Iterator[tuple[str, Any]]:
        """Everything stored (flushed), in rowid order."""
        return self.db.iteritems()

    def write(self, writer: Any) -> int:
        """Queue the pending writes on the `writer` connection (no commit); return how many.

        They stay pending until the commit succeeds (`Tables.flush` clears them then), so a
        failed commit loses none of them.
        """
        pending, encode = self.pending, self.encode
        rows, deletes = [], []
        for k, v in pending.items():  # one pass, each value encoded as it is met
            if v is _DELETED:
                deletes.append((k,))
            else:
                rows.append((k, encode(v)))
        if rows:
            sql = f'REPLACE INTO "{self.name}" (key, value) VALUES (?, ?)'
            try:
                writer.executemany(sql, rows)
            except UnicodeEncodeError:
                # A lone surrogate cannot be UTF-8 for SQLite; JSON's ASCII escapes keep it
                # exactly (it decodes back the same) instead of failing the whole batch.
                puts = [(k, v) for k, v in pending.items() if v is not _DELETED]
                ascii_rows = [(k, json.dumps(v, separators=(",", ":"))) for k, v in puts]
                writer.executemany(sql, ascii_rows)
        if deletes:
            writer.executemany(f'DELETE FROM "{self.name}" WHERE key = ?', deletes)
        return len(pending)

    def close(self) -> None:
        self.db.close()


class Tables:
    """Every table of the store file, opened together."""

    NAMES = (
        "meta",
        "jobs",
        "pipelines",
        "schedules",
        "schedule_marks",
        "runs",
        "outputs",
        "contexts",
        "users",
        "api_keys",
        "sessions",
        "audit",
        "webhooks",
        "deliveries",
    )

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        codecs = {"outputs": output_codec}
        self.all = {name: Table(path, name, codecs.get(name)) for name in self.NAMES}
        self._writer: sqlite3.Connection | None = None
        self._writer_thread: int | None = None
        # Real commits and rows written (puts and deletes) since the store opened: `/metrics`.
        self.commits = 0
        self.rows_written = 0

    def _connection(self) -> sqlite3.Connection:
        """The writing connection, owned by the thread that flushes (the Storage actor's).

        Writing straight from that thread, rather than through a sqlitedict's own thread, saves
        two thread switches per commit. Only this connection ever writes after the tables exist.
        """
        thread = threading.get_ident()
        if self._writer is None or self._writer_thread != thread:
            if self._writer is not None:
                self._writer.close()
            self._writer = sqlite3.connect(str(self.path), check_same_thread=False)
            self._writer.execute("PRAGMA synchronous=NORMAL")
            self._writer_thread = thread
        return self._writer

    def __getitem__(self, name: str) -> Table:
        return self.all[name]

    def flush(self) -> int:
        """Write everything pending in every table, then commit once.

        On failure everything is rolled back and stays pending, to be written by the next flush
        (or taken back by `discard`).
        """
        batch = [table for table in self.all.values() if table.pending]
        if not batch:
            return 0
        writer = self._connection()
        try:
            written = sum(table.write(writer) for table in batch)
            writer.commit()
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                writer.rollback()
            raise
        for table in batch:
            table.pending = {}
        self.commits += 1
        self.rows_written += written
        return written

    def pending_count(self) -> int:
        return sum(len(table.pending) for table in self.all.values())

    def discard(self) -> dict[str, dict[str, Any]]:
        """Take every pending write back unwritten: {table name: {key: value}}."""
        dropped = {name: t.pending for name, t in self.all.items() if t.pending}
        for name in dropped:
            self.all[name].pending = {}
        return dropped

    def close(self) -> None:
        self.flush()
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        for table in self.all.values():
            table.close()
