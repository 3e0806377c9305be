"""What a purge leaves in memory: no trace of the runs it removed in any index, dicts sized to
the runs that stay, and the freed memory handed back to the system where that can be done."""

from __future__ import annotations

import gc
import sys
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from orchestrator.memory import can_trim, release_memory
from orchestrator.store.retention import purge
from orchestrator.store.store import Store
from tests.retention_helpers import NOW, add_run, open_store, owner


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path)
    yield opened
    opened.close()


class TestIndexesAfterPurge:
    """The indexes of the run history forget what retention removed."""

    def test_an_owner_whose_runs_all_went_leaves_no_entry(self, store: Store) -> None:
        """A deleted job's old runs purged: no count or planned set stays for it."""
        gone, kept = owner(), owner()
        for days in (40, 35, 31):
            add_run(store, gone, days)
        add_run(store, kept, 40, "running")
        add_run(store, kept, 40, "scheduled")
        assert purge(store, NOW, runs_days=30, keep_last=0, audit_days=90)["runs"] == 3
        history = store.runs
        assert gone["id"] not in history.by_owner
        assert gone["id"] not in history.active and gone["id"] not in history.planned
        assert history.active[kept["id"]] == 2 and len(history.planned[kept["id"]]) == 1

    def test_a_purge_of_most_runs_shrinks_the_dicts(self, store: Store) -> None:
        """After 1,800 of 2,000 runs go, the records and the window's members fit 200 runs."""
        job = owner()
        for n in range(2000):
            add_run(store, job, 40 if n < 1800 else 1)
        records, members = store.runs.records, store.runs.window.members
        full = sys.getsizeof(records), sys.getsizeof(members)
        assert purge(store, NOW, runs_days=30, keep_last=0, audit_days=90)["runs"] == 1800
        assert sys.getsizeof(store.runs.records) < full[0] / 4
        assert sys.getsizeof(store.runs.window.members) < full[1] / 4
        assert list(store.runs.records) == store.runs.by_owner[job["id"]]  # order kept


class Cycle:
    """An object that refers to itself: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


class TestReleaseMemory:
    """`release_memory` empties what the interpreter keeps and trims glibc's heap."""

    def test_it_runs_a_full_collection(self) -> None:
        """Garbage only the collector can free is gone afterwards, with collection paused."""
        gc.disable()
        try:
            garbage = Cycle()
            ref = weakref.ref(garbage)
            del garbage
            assert ref() is not None
            release_memory()
            assert ref() is None
        finally:
            gc.enable()

    @pytest.mark.skipif(not can_trim(), reason="malloc_trim is glibc's")
    def test_free_pages_inside_the_heap_go_back(self) -> None:
        """30 MB of 1 KB buffers, one in 16 kept: the holes between them are handed back."""
        buffers = [bytearray(1000) for _ in range(30_000)]  # each a malloc chunk of the heap
        kept = buffers[::16]  # pins the heap's top, so free() alone gives nothing back
        del buffers
        assert release_memory() > 10 * 2**20
        assert len(kept) == 1875
