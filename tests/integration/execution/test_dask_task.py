"""The Dask task as a coroutine on the worker's event loop, against real `dask scheduler` and
`dask worker` processes: a short attempt ends there, what outlives its shell is still stopped, and
a worker closing (which cancels its coroutines) never makes Dask run an attempt again."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from tests.api_helpers import make_job, run_and_wait, start_run, wait_for
from tests.integration.execution.test_dask_cluster import (
    Cluster,
    kill_all,
    output,
    processes_of,
    wait_until,
)
from tests.support import ServerProcess

pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Iterator[Cluster]:
    found = Cluster(tmp_path_factory.mktemp("dask"))
    found.start_scheduler()
    found.start_worker("one", "on-one")
    found.start_worker("two", "on-two")
    yield found
    found.stop()


@pytest.fixture(scope="module")
def server(cluster: Cluster, tmp_path_factory) -> Iterator[ServerProcess]:
    base = tmp_path_factory.mktemp("server")
    options = ["execution.executor=dask", f"execution.dask_address={cluster.address}"]
    options += ["execution.kill_grace=1"]
    args = [item for option in options for item in ("--set", option)]
    proc = ServerProcess(base / "data", *args).start(timeout=60)
    wait_until(lambda: run_and_wait(proc, make_job(proc, base)["id"])["state"] == "succeeded")
    yield proc
    proc.stop()


def gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


class TestShortAttempts:
    """A short attempt keeps the local executor's semantics."""

    def test_a_short_attempt_reports_its_code_and_output(self, server, tmp_path: Path) -> None:
        """Exit code and both streams of an attempt that ends at once."""
        job = make_job(server, tmp_path, command="echo out; echo err >&2; exit 3")
        final = run_and_wait(server, job["id"])
        assert (final["state"], final["exit_code"]) == ("failed", 3)
        got = server.request("GET", f"/runs/{final['id']}/output")[1]
        assert (got["stdout"], got["stderr"]) == ("out\n", "err\n")

    def test_what_outlives_the_shell_is_stopped(self, server, tmp_path: Path) -> None:
        """The shell exits at once, its pipes closed, leaving a process behind: it is stopped."""
        job = make_job(server, tmp_path, command="sleep 60 >/dev/null 2>&1 & echo $!")
        final = run_and_wait(server, job["id"])
        assert final["state"] == "succeeded"
        pid = int(output(server, final["id"]))
        assert wait_until(lambda: gone(pid), timeout=10)


class TestWorkerClosing:
    """A worker closed gracefully mid-run (SIGTERM): the attempt stops and is not run again."""

    def test_a_closing_worker_does_not_run_an_attempt_twice(self, cluster, server, tmp_path):
        job = make_job(server, tmp_path, command="echo ran >> marks; sleep 60")
        run = start_run(server, job["id"])
        shells = wait_until(lambda: processes_of(run["id"]))
        worker = psutil.Process(shells[0].pid).parent()
        name = next(n for n, p in cluster.workers.items() if p.pid == worker.pid)
        worker.send_signal(signal.SIGTERM)
        try:
            final = wait_for(server, run["id"], timeout=30)
            assert final["state"] in ("failed", "cancelled"), final
            time.sleep(2)  # a re-run would have started by now
            assert (tmp_path / "marks").read_text() == "ran\n"
            assert wait_until(lambda: all(gone(shell.pid) for shell in shells), timeout=10)
        finally:
            kill_all(processes_of(run["id"]))
            cluster.workers[name].wait(timeout=30)
            cluster.start_worker(name, f"on-{name}")
