"""The store's commits alone: a failed commit keeps or takes back writes, and the Storage actor
lives on. Failures are real SQLite ones: a page limit on the writing connection makes every
commit that grows the file fail with SQLITE_FULL, as a full disk does."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pykka
import pytest

from actors import messages as m
from actors.storage import StorageActor
from orchestrator.errors import NotFound
from orchestrator.models.job import JobDefaults
from orchestrator.security.crypto import KeySource
from orchestrator.store.health import InsufficientStorage
from orchestrator.store.store import Store
from orchestrator.store.tables import Tables

BIG = "x" * 50_000  # more than the free pages of a small store file


def limit_pages(tables: Tables, limited: bool) -> None:
    """Let the writing connection grow the file (False) or not (True)."""
    writer = tables._writer
    assert writer is not None, "the writing connection exists after a first flush"
    count = writer.execute("PRAGMA page_count").fetchone()[0] if limited else 1_000_000_000
    writer.execute(f"PRAGMA max_page_count = {count}")


def run_record(run_id: str, state: str = "running", note: str = "") -> dict:
    return {
        "id": run_id,
        "kind": "job",
        "owner_id": "JC8T0PVJK",
        "state": state,
        "created_at": "2024-01-01T00:00:00Z",
        "note": note,
    }


class TestTablesKeepWrites:
    """A failed flush keeps the whole batch pending and the next flush writes it."""

    def test_failed_batch_is_written_by_the_next_flush(self, tmp_path: Path) -> None:
        tables = Tables(tmp_path / "store.db")
        tables["jobs"].put("J1", {"id": "J1"})
        tables.flush()
        limit_pages(tables, True)
        tables["runs"].put("R1", {"id": "R1", "big": BIG})
        tables["audit"].put("A1", {"id": "A1"})
        with pytest.raises(Exception, match="full"):
            tables.flush()
        assert tables.pending_count() == 2
        assert tables["audit"].db.get("A1") is None
        limit_pages(tables, False)
        assert tables.flush() == 2
        assert tables["audit"].db.get("A1") == {"id": "A1"}
        assert tables["runs"].db.get("R1")["big"] == BIG
        tables.close()


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[tuple[pykka.ActorRef, Store]]:
    store = Store(tmp_path / "store.db", KeySource(None, tmp_path / "secret.key"))
    ref = StorageActor.start(store, JobDefaults(60, 1, 1))
    yield ref, store
    ref.stop()


def new_job(ref: pykka.ActorRef, name: str, tmp_path: Path, **extra: str) -> dict:
    body = {"name": name, "command": "true", "workdir": str(tmp_path), **extra}
    return ref.ask(m.Create("job", body, "tester"))


class TestStorageActorSurvives:
    """A write that cannot be committed fails its ask; the actor answers the next message."""

    def test_lone_surrogate_is_stored_and_the_actor_works_on(self, storage, tmp_path) -> None:
        ref, store = storage
        ref.tell(m.SaveRun(run_record("RJS1AJ7778S4G", note="bad \ud800 text")))
        assert ref.ask(m.GetRun("RJS1AJ7778S4G"))["note"] == "bad \ud800 text"
        new_job(ref, "after", tmp_path)
        assert ref.is_alive()
        assert store.tables["runs"].db.get("RJS1AJ7778S4G")["note"] == "bad \ud800 text"

    def test_failed_ask_changes_nothing_and_writes_work_again(self, storage, tmp_path) -> None:
        ref, store = storage
        new_job(ref, "first", tmp_path)
        limit_pages(store.tables, True)
        with pytest.raises(InsufficientStorage) as caught:
            new_job(ref, "second", tmp_path, command="echo " + BIG)
        assert caught.value.status == 507
        with pytest.raises(NotFound):
            ref.ask(m.Get("job", "second"))
        assert ref.ask(m.Get("job", "first"))["name"] == "first"
        problem = ref.proxy().health.get().problem()
        assert problem is not None and problem["code"] == "insufficient_storage"
        limit_pages(store.tables, False)
        assert new_job(ref, "second", tmp_path, command="echo " + BIG)["name"] == "second"
        assert ref.proxy().health.get().problem() is None

    def test_failed_update_is_taken_back_from_memory(self, storage, tmp_path) -> None:
        ref, store = storage
        job = new_job(ref, "kept", tmp_path)
        limit_pages(store.tables, True)
        with pytest.raises(InsufficientStorage):
            ref.ask(m.Update("job", job["id"], {"name": "renamed", "command": BIG}, True, "t"))
        assert ref.ask(m.Get("job", "kept"))["id"] == job["id"]
        with pytest.raises(NotFound):
            ref.ask(m.Get("job", "renamed"))

    def test_told_writes_are_kept_and_block_later_asks(self, storage, tmp_path) -> None:
        ref, store = storage
        new_job(ref, "first", tmp_path)
        limit_pages(store.tables, True)
        ref.tell(m.SaveRun(run_record("RJS1AJ7778S4H", note=BIG)))
        with pytest.raises(InsufficientStorage):
            new_job(ref, "refused", tmp_path)  # refused before it is applied
        with pytest.raises(NotFound):
            ref.ask(m.Get("job", "refused"))
        assert store.tables["runs"].db.get("RJS1AJ7778S4H") is None
        limit_pages(store.tables, False)
        ref.ask(m.Flush())
        assert store.tables["runs"].db.get("RJS1AJ7778S4H")["note"] == BIG
        assert ref.ask(m.GetRun("RJS1AJ7778S4H"))["state"] == "running"


class Gate:
    """A subscriber that holds the Storage thread in its first announcement until opened, so
    that asks can pile up in the inbox meanwhile, as they do when many arrive together."""

    def __init__(self) -> None:
        self.reached, self.opened = threading.Event(), threading.Event()

    def tell(self, message: object) -> None:
        if not self.reached.is_set():
            self.reached.set()
            assert self.opened.wait(10)


def asks_together(tmp_path: Path, count: int, limited: bool) -> tuple[Store, Any, list, int]:
    """`count` job creations waiting together in a real Storage's inbox; returns the store,
    the actor, their futures and the commits made before they were handled."""
    store = Store(tmp_path / "store.db", KeySource(None, tmp_path / "secret.key"))
    gate = Gate()
    ref = StorageActor.start(store, JobDefaults(60, 1, 1), subscribers=(gate,))
    new_job(ref, "first", tmp_path)
    ref.tell(m.SaveRun(run_record("RJS1AJ7778S4J", state="succeeded")))  # its commit blocks
    assert gate.reached.wait(10)
    before = store.tables.commits
    if limited:
        limit_pages(store.tables, True)
    body = {"command": "echo " + BIG if limited else "true", "workdir": str(tmp_path)}
    futures = [
        ref.ask(m.Create("job", {"name": f"j{i}", **body}, "t"), block=False) for i in range(count)
    ]
    gate.opened.set()
    return store, ref, futures, before


class TestAsksArrivingTogether:
    """Acknowledged asks waiting together share one commit, and one failure answers them all."""

    @pytest.fixture(autouse=True)
    def _stop(self) -> Iterator[None]:
        yield
        pykka.ActorRegistry.stop_all()

    def test_twenty_creations_are_one_commit(self, tmp_path: Path) -> None:
        store, _, futures, before = asks_together(tmp_path, 20, limited=False)
        created = [future.get(timeout=10) for future in futures]
        assert [job["name"] for job in created] == [f"j{i}" for i in range(20)]
        assert store.tables.commits == before + 1
        assert all(store.tables["jobs"].db.get(job["id"]) for job in created)

    def test_a_failed_shared_commit_refuses_each_ask_and_keeps_none(self, tmp_path) -> None:
        _, ref, futures, _ = asks_together(tmp_path, 5, limited=True)
        for future in futures:
            with pytest.raises(InsufficientStorage):
                future.get(timeout=10)
        for i in range(5):
            with pytest.raises(NotFound):
                ref.ask(m.Get("job", f"j{i}"))
        assert ref.ask(m.Get("job", "first"))["name"] == "first"
