"""The audit trail lives in its table, not in memory: queries read it newest first, with the
entries not yet committed first, and retention deletes through the same table."""

from __future__ import annotations

import json
from pathlib import Path

from orchestrator.security.crypto import KeySource
from orchestrator.store.audit import FIELDS
from orchestrator.store.store import Store


def entry(user: str, action: str) -> dict:
    return {"user": user, "role": "admin", "action": action, "target": None, "outcome": "success"}


class TestAuditTrail:
    def test_queries_read_committed_and_pending_entries_newest_first(self, tmp_path: Path):
        """Committed entries come from the table, pending ones from the batch; filters apply to
        both, and the trail keeps no list of records in memory."""
        store = Store(tmp_path / "s.db", KeySource(None, tmp_path / "k"))
        try:
            first = [store.audit.append(entry("ana", f"job.create.{i}")) for i in range(3)]
            store.flush()
            late = store.audit.append(entry("bob", "job.delete"))
            found = list(store.audit.select())
            assert [r["id"] for r in found] == [late["id"], *(r["id"] for r in reversed(first))]
            assert [r["id"] for r in store.audit.select(user="bob")] == [late["id"]]
            assert len(list(store.audit.select(action="job.create"))) == 3
            assert not hasattr(store.audit, "records")
        finally:
            store.close()

    def test_a_reopened_store_lists_and_purges_from_the_table(self, tmp_path: Path):
        """After a restart the entries are listed from disk; a purge removes the old ones."""
        path, keys = tmp_path / "s.db", KeySource(None, tmp_path / "k")
        store = Store(path, keys)
        made = [store.audit.append(entry("ana", "user.update")) for _ in range(4)]
        store.close()
        again = Store(path, keys)
        try:
            assert [r["id"] for r in again.audit.select()] == [r["id"] for r in reversed(made)]
            cut = made[2]["time"]
            older = [r["id"] for r in made if r["time"] < cut]
            assert again.audit.purge(cut) == len(older)
            again.flush()
            assert {r["id"] for r in again.audit.select()}.isdisjoint(older)
        finally:
            again.close()


class TestAuditRecord:
    """A record holds every field in order, and audit.log gets it as one JSON line."""

    def test_record_fields_and_its_line_in_audit_log(self, tmp_path: Path):
        store = Store(tmp_path / "s.db", KeySource(None, tmp_path / "k"), tmp_path / "logs")
        try:
            given = {**entry("zoë", "job.create"), "details": {"name": "naïve"}, "extra": 1}
            record = store.audit.append(given)
            timed = store.audit.append({**entry("ana", "job.update"), "time": "2026-01-01T00"})
        finally:
            store.close()
        assert list(record) == list(FIELDS)
        assert record["id"].startswith("A") and record["time"] and "extra" not in record
        assert (record["user"], record["details"], record["client"]) == (
            "zoë",
            given["details"],
            None,
        )
        assert timed["time"] == "2026-01-01T00"
        lines = (tmp_path / "logs" / "audit.log").read_text(encoding="utf-8").splitlines()
        assert [json.loads(line) for line in lines] == [record, timed]
        assert "zoë" in lines[0]  # kept as it is, not escaped
