"""The job contract is the same whichever executor runs it: each test runs against a real server
with the local executor and against one with the Dask executor (a LocalCluster with two worker
processes started inside the server)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from tests.api_helpers import make_job, run_and_wait, start_run, wait_for
from tests.support import ServerProcess

pytest.importorskip("distributed")

EXECUTORS = {
    "local": (),
    "dask": ("--set", "execution.executor=dask", "--set", "execution.dask_workers=2"),
}


@pytest.fixture(scope="module", params=sorted(EXECUTORS))
def runner(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[ServerProcess]:
    """A server per executor, shared by the tests of this module."""
    base = tmp_path_factory.mktemp(f"server-{request.param}")
    proc = ServerProcess(base / "data", *EXECUTORS[request.param]).start(timeout=60)
    proc.executor = request.param
    yield proc
    proc.stop()


def output(server: ServerProcess, run_id: str) -> dict:
    status, body = server.request("GET", f"/runs/{run_id}/output")
    assert status == 200, body
    return body


def alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def pids_in(path: Path, count: int) -> list[int]:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        lines = path.read_text().split() if path.exists() else []
        if len(lines) >= count:
            return [int(line) for line in lines]
        time.sleep(0.05)
    raise AssertionError("the command did not write its PIDs")


def gone(pids: list[int], timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while any(alive(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


TREE = "sleep 100 & echo $! >> pids; sleep 100 & echo $! >> pids; echo $$ >> pids; wait"


class TestRun:
    """A run's exit code, output, working directory, environment and worker."""

    def test_exit_code_output_and_worker(self, runner: ServerProcess, tmp_path: Path) -> None:
        """The command runs in its workdir with its env; the attempt records where it ran."""
        command = 'pwd; echo "$GREETING"; echo oops >&2; exit 3'
        job = make_job(runner, tmp_path, command=command, env={"GREETING": "hello"})
        run = run_and_wait(runner, job["id"])
        assert (run["state"], run["exit_code"]) == ("failed", 3)
        body = output(runner, run["id"])
        assert body["stdout"] == f"{tmp_path}\nhello\n"
        assert body["stderr"] == "oops\n"
        worker = run["attempts"][0]["worker"]
        assert worker["host"]
        assert (worker["name"] == "local") == (runner.executor == "local")

    def test_output_arrives_while_it_runs(self, runner: ServerProcess, tmp_path: Path) -> None:
        """The first line is readable before the command ends."""
        job = make_job(runner, tmp_path, command="echo first; sleep 3; echo second")
        run = start_run(runner, job["id"])
        deadline = time.monotonic() + 20
        while "first" not in output(runner, run["id"])["stdout"]:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert wait_for(runner, run["id"], {"running", "succeeded"})["state"] == "running"
        assert output(runner, wait_for(runner, run["id"])["id"])["stdout"] == "first\nsecond\n"

    def test_secrets_are_masked(self, runner: ServerProcess, tmp_path: Path) -> None:
        """A secret printed by the job reaches the output as ***."""
        job = make_job(runner, tmp_path, command='echo "t=$TOKEN"', secret_env={"TOKEN": "s3cr3t"})
        run = run_and_wait(runner, job["id"])
        assert output(runner, run["id"])["stdout"] == "t=***\n"

    def test_context_substitution(self, runner: ServerProcess, tmp_path: Path) -> None:
        """`$$(job)` gives the last stdout of another job, as data."""
        source = make_job(runner, tmp_path, command="printf 'from source'")
        assert run_and_wait(runner, source["id"])["state"] == "succeeded"
        reader = make_job(runner, tmp_path, command=f'printf "%s" "$$({source["name"]})"')
        run = run_and_wait(runner, reader["id"])
        assert output(runner, run["id"])["stdout"] == "from source"


class TestStopping:
    """Timeouts, cancels and retries stop and re-run the whole process tree as the job says."""

    def test_timeout_kills_the_tree(self, runner: ServerProcess, tmp_path: Path) -> None:
        """Past its timeout the run is timed_out and none of its processes is left."""
        job = make_job(runner, tmp_path, command=TREE, timeout=1)
        run = run_and_wait(runner, job["id"])
        assert run["state"] == "timed_out"
        assert gone(pids_in(tmp_path / "pids", 3))

    def test_cancel_kills_the_tree(self, runner: ServerProcess, tmp_path: Path) -> None:
        """A cancel ends the run cancelled, after its processes are stopped."""
        job = make_job(runner, tmp_path, command=TREE)
        run = start_run(runner, job["id"])
        pids = pids_in(tmp_path / "pids", 3)
        status, _ = runner.request("POST", f"/runs/{run['id']}/cancel")
        assert status in (200, 202)
        assert wait_for(runner, run["id"], timeout=30)["state"] == "cancelled"
        assert gone(pids)

    def test_retries(self, runner: ServerProcess, tmp_path: Path) -> None:
        """A failing attempt is retried as the job says; each attempt records its worker."""
        command = "echo x >> tries; test $(wc -l < tries) -ge 2"
        job = make_job(runner, tmp_path, command=command, max_attempts=3)
        run = run_and_wait(runner, job["id"])
        assert run["state"] == "succeeded"
        assert len(run["attempts"]) == 2
        assert all(attempt["worker"] for attempt in run["attempts"])
        assert (tmp_path / "tries").read_text() == "x\nx\n"
