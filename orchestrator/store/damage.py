"""Opening the store with one clear line when it is missing, empty or damaged.

A store that is gone or empty next to an existing secret key is a lost store, not a first start:
starting empty would bootstrap a new admin over the real data's key. A file that is not a
database, or a row that is not what the server wrote, stops the start with the table and key.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from orchestrator.errors import OrchestratorError
from orchestrator.security.crypto import KeySource
from orchestrator.store.store import Store

# The fields every loaded row must have, by table (what the in-memory indexes read at start).
_REQUIRED = {
    "jobs": ("id", "name"),
    "pipelines": ("id", "name"),
    "schedules": ("id", "name"),
    "webhooks": ("id", "name"),
    "runs": ("id", "owner_id", "state", "kind"),
    "audit": ("id", "time"),
    "api_keys": ("id", "hash", "user_id"),
    "users": ("id", "username"),
    "sessions": ("user_id",),
}


class StoreDamaged(OrchestratorError):
    code = "store_damaged"


def open_store(path: Path, keys: KeySource, log_dir: Path | None = None) -> Store:
    """The store at `path`; StoreDamaged (one line saying what to do) when it cannot be."""
    key_file = keys.key_file
    if keys.env_key is None and key_file.exists() and _empty(path):
        state = "missing" if not path.exists() else "empty (0 bytes)"
        raise StoreDamaged(
            f"The store {path} is {state} but its secret key {key_file} exists: the data is "
            f"lost or elsewhere. Restore the store from a backup, or remove {key_file.name} "
            "to start afresh deliberately."
        )
    if not _empty(path) and not _is_sqlite(path):
        raise StoreDamaged(
            f"The store {path} is not an SQLite database (its header is wrong); "
            "restore it from a backup."
        )
    try:
        return Store(path, keys, log_dir)
    except OrchestratorError:
        raise
    except sqlite3.DatabaseError as err:
        raise StoreDamaged(
            f"The store {path} cannot be read as an SQLite database ({err}); "
            "restore it from a backup."
        ) from err
    except Exception as err:
        found = find_damage(path)
        if found is None:
            raise
        table, key, problem = found
        raise StoreDamaged(
            f"The store {path} has a damaged row in table '{table}', key '{key}': {problem}. "
            "Restore the store from a backup."
        ) from err


def _empty(path: Path) -> bool:
    return not path.exists() or path.stat().st_size == 0


def _is_sqlite(path: Path) -> bool:
    # Checked before sqlitedict opens the file: its worker thread prints a traceback otherwise.
    with open(path, "rb") as handle:
        return handle.read(16) == b"SQLite format 3\x00"


def find_damage(path: Path) -> tuple[str, str, str] | None:
    """The first row the server cannot load: (table, key, what is wrong); None if none."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        for table, fields in _REQUIRED.items():
            rows = _rows(db, table)
            for key, text in rows:
                try:
                    value = json.loads(text)
                except (TypeError, ValueError):
                    return table, key, "its value is not JSON"
                if not isinstance(value, dict):
                    return table, key, "its value is not a JSON object"
                missing = [name for name in fields if name not in value]
                if missing:
                    return table, key, f"it has no {', '.join(missing)}"
    return None


def _rows(db: sqlite3.Connection, table: str) -> list[tuple[str, str]]:
    try:
        return db.execute(f'SELECT key, value FROM "{table}" ORDER BY rowid').fetchall()
    except sqlite3.OperationalError:  # no such table yet
        return []
