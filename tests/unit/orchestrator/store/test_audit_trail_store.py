"""The audit trail lives in its table, not in memory: queries read it newest first, with the
entries not yet committed first, and retention deletes through the same table."""

from __future__ import annotations

from pathlib import Path

from orchestrator.security.crypto import KeySource
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
