"""A lost, empty or damaged store stops the start with one line saying what is wrong."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.support import ServerProcess


def stopped_server(tmp_path: Path) -> tuple[ServerProcess, Path]:
    """A data directory a server has made (store and secret key), with that server stopped."""
    server = ServerProcess(tmp_path / "data").start()
    server.stop()
    stores = [p for p in server.data_dir.glob("*.sqlite") if p.stat().st_size > 0]
    assert len(stores) == 1, stores
    return server, stores[0]


def refused(server: ServerProcess) -> str:
    """Start again; the start must fail with one error line and no traceback. Returns it."""
    again = ServerProcess(server.data_dir)
    with pytest.raises(RuntimeError, match="exited with 1"):
        again.start(timeout=30)
    lines = [line for line in again.output().splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: ") and "Traceback" not in again.output()
    return lines[0]


def drop_wal(store: Path) -> None:
    for suffix in ("-wal", "-shm"):
        store.with_name(store.name + suffix).unlink(missing_ok=True)


class TestLostStore:
    """An empty or missing store next to an existing secret key is refused, not started afresh."""

    def test_zero_byte_store(self, tmp_path: Path) -> None:
        server, store = stopped_server(tmp_path)
        store.write_bytes(b"")
        drop_wal(store)
        line = refused(server)
        assert "empty" in line and "backup" in line and "secret.key" in line

    def test_missing_store(self, tmp_path: Path) -> None:
        server, store = stopped_server(tmp_path)
        store.unlink()
        drop_wal(store)
        line = refused(server)
        assert "missing" in line and "backup" in line


class TestDamagedStore:
    """A file that is not a database, or a row the server did not write, is named."""

    def test_not_a_database(self, tmp_path: Path) -> None:
        server, store = stopped_server(tmp_path)
        drop_wal(store)
        store.write_bytes(b"this is not a database at all" * 200)
        line = refused(server)
        assert "SQLite" in line and "backup" in line

    @pytest.mark.parametrize(
        ("table", "value", "problem"),
        [
            ("runs", '{"id": "RX", "state": "running", "kind": "job"}', "no owner_id"),
            ("jobs", "[1, 2]", "not a JSON object"),
        ],
    )
    def test_damaged_row(self, tmp_path: Path, table: str, value: str, problem: str) -> None:
        server, store = stopped_server(tmp_path)
        with sqlite3.connect(store) as db:
            db.execute(f'INSERT INTO "{table}" (key, value) VALUES (?, ?)', ("BROKEN1", value))
        line = refused(server)
        assert f"table '{table}', key 'BROKEN1'" in line and problem in line
