"""Integration tests of the concurrency limits through the API: a job's `max_concurrent`, and the
server-wide `execution.max_concurrent_runs` with queued runs starting in FIFO order."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api_helpers import make_job, start_run, wait_for, when
from tests.support import ServerProcess


def most_at_once(runs: list[dict]) -> int:
    """The largest number of runs whose [started_at, finished_at) intervals overlap."""
    edges = []
    for run in runs:
        edges += [(when(run["started_at"]), 1), (when(run["finished_at"]), -1)]
    level = peak = 0
    for _, step in sorted(edges, key=lambda edge: (edge[0], edge[1])):
        level += step
        peak = max(peak, level)
    return peak


class TestPerJobLimit:
    def test_max_concurrent_one_serialises(self, server: ServerProcess, tmp_path: Path) -> None:
        """Three runs of a `max_concurrent: 1` job never overlap."""
        job = make_job(server, tmp_path, command="sleep 0.2", max_concurrent=1)
        started = [start_run(server, job["id"]) for _ in range(3)]
        assert [run["state"] for run in started[1:]] == ["queued", "queued"]
        runs = [wait_for(server, run["id"]) for run in started]
        assert {run["state"] for run in runs} == {"succeeded"}
        assert most_at_once(runs) == 1
        for before, after in zip(runs, runs[1:], strict=False):
            assert when(after["started_at"]) >= when(before["finished_at"])

    def test_max_concurrent_three_overlaps(self, server: ServerProcess, tmp_path: Path) -> None:
        """Three runs of a `max_concurrent: 3` job run side by side."""
        job = make_job(server, tmp_path, command="sleep 0.4", max_concurrent=3)
        started = [start_run(server, job["id"]) for _ in range(3)]
        runs = [wait_for(server, run["id"]) for run in started]
        assert {run["state"] for run in runs} == {"succeeded"}
        assert most_at_once(runs) == 3
        assert max(when(r["started_at"]) for r in runs) < min(when(r["finished_at"]) for r in runs)

    def test_other_jobs_are_not_held_up(self, server: ServerProcess, tmp_path: Path) -> None:
        """A job at its own limit does not delay a run of another job queued after it."""
        busy = make_job(server, tmp_path, command="sleep 0.3", max_concurrent=1)
        other = make_job(server, tmp_path, command="true")
        first = start_run(server, busy["id"])
        held = start_run(server, busy["id"])
        quick = wait_for(server, start_run(server, other["id"])["id"])
        assert when(quick["finished_at"]) < when(wait_for(server, held["id"])["started_at"])
        wait_for(server, first["id"])


@pytest.fixture(scope="class")
def two_slots(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A server that runs at most two runs at once, shared by the tests of one class."""
    data = tmp_path_factory.mktemp("two-slots") / "data"
    proc = ServerProcess(data, "--set", "execution.max_concurrent_runs=2").start()
    yield proc
    proc.stop()


class TestGlobalLimit:
    def test_two_at_most_and_fifo(self, two_slots: ServerProcess, tmp_path: Path) -> None:
        """With two slots no more than two runs overlap, and queued runs start in arrival order."""
        job = make_job(two_slots, tmp_path, command='sleep "$NAP"', max_concurrent=5)
        naps = ["0.2", "1.0", "0.2", "0.2", "0.2"]
        started = [start_run(two_slots, job["id"], {"env": {"NAP": nap}}) for nap in naps]
        assert [run["state"] for run in started[2:]] == ["queued"] * 3
        runs = [wait_for(two_slots, run["id"]) for run in started]
        assert {run["state"] for run in runs} == {"succeeded"}
        assert most_at_once(runs) == 2
        starts = [when(run["started_at"]) for run in runs]
        assert max(starts[:2]) <= starts[2] < starts[3] < starts[4]

    def test_limit_spans_jobs(self, two_slots: ServerProcess, tmp_path: Path) -> None:
        """The global limit counts runs of different jobs together."""
        jobs = [make_job(two_slots, tmp_path, command="sleep 0.3") for _ in range(3)]
        started = [start_run(two_slots, job["id"]) for job in jobs]
        assert started[2]["state"] == "queued"
        runs = [wait_for(two_slots, run["id"]) for run in started]
        assert most_at_once(runs) == 2
        assert when(runs[2]["started_at"]) >= min(when(r["finished_at"]) for r in runs[:2])
