"""Integration tests of a run's limits through the API: the timeout that kills a whole process tree,
and automatic retries up to `max_attempts` with `retry_delay` between them."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import psutil

from tests.api_helpers import make_job, run_and_wait, when
from tests.support import ServerProcess


def processes_with(marker: str) -> list[psutil.Process]:
    """Live processes whose command line contains `marker`."""
    found = []
    for proc in psutil.process_iter(["cmdline", "status"]):
        if proc.info["status"] == psutil.STATUS_ZOMBIE:
            continue
        if marker in " ".join(proc.info["cmdline"] or ()):
            found.append(proc)
    return found


class TestTimeout:
    def test_timeout_kills_the_whole_tree(self, server: ServerProcess, tmp_path: Path) -> None:
        """A `sleep & sleep` tree past its timeout ends `timed_out` and leaves no process behind."""
        marker = f"31.{uuid.uuid4().int % 10**6:06d}"
        job = make_job(server, tmp_path, command=f"sleep {marker} & sleep {marker}", timeout=0.5)
        began = time.monotonic()
        run = run_and_wait(server, job["id"])
        assert time.monotonic() - began < 5
        assert run["state"] == "timed_out"
        assert isinstance(run["error"], str) and run["error"]
        assert run["exit_code"] is None
        assert [a["number"] for a in run["attempts"]] == [1]
        deadline = time.monotonic() + 2
        while processes_with(f"sleep {marker}") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert processes_with(f"sleep {marker}") == []

    def test_timeout_is_not_retried_past_max_attempts(
        self, server: ServerProcess, tmp_path: Path
    ) -> None:
        """Each timed-out attempt counts: two attempts, then the run is `timed_out`."""
        job = make_job(server, tmp_path, command="sleep 5", timeout=0.2, max_attempts=2)
        run = run_and_wait(server, job["id"])
        assert run["state"] == "timed_out"
        assert [a["number"] for a in run["attempts"]] == [1, 2]


class TestRetries:
    def test_failing_command_uses_every_attempt(
        self, server: ServerProcess, tmp_path: Path
    ) -> None:
        """`max_attempts: 3` on a failing command records 3 attempts, `retry_delay` apart."""
        job = make_job(server, tmp_path, command="exit 7", max_attempts=3, retry_delay=0.3)
        run = run_and_wait(server, job["id"])
        assert run["state"] == "failed" and run["exit_code"] == 7
        attempts = run["attempts"]
        assert [a["number"] for a in attempts] == [1, 2, 3]
        assert [a["exit_code"] for a in attempts] == [7, 7, 7]
        for before, after in zip(attempts, attempts[1:], strict=False):
            gap = (when(after["started_at"]) - when(before["finished_at"])).total_seconds()
            assert gap >= 0.299, gap
        assert when(run["finished_at"]) >= when(attempts[-1]["finished_at"])

    def test_fails_twice_then_succeeds(self, server: ServerProcess, tmp_path: Path) -> None:
        """A command that succeeds on its third try ends `succeeded` after 3 attempts; its
        output keeps what every attempt wrote, and its context the last attempt's."""
        command = (
            "n=$(cat count 2>/dev/null || echo 0); n=$((n + 1)); echo $n > count; "
            'echo "try $n"; [ "$n" -ge 3 ]'
        )
        job = make_job(server, tmp_path, command=command, max_attempts=5)
        run = run_and_wait(server, job["id"])
        assert run["state"] == "succeeded" and run["exit_code"] == 0 and run["error"] is None
        assert [a["exit_code"] for a in run["attempts"]] == [1, 1, 0]
        assert (tmp_path / "count").read_text().strip() == "3"
        stdout = server.request("GET", f"/runs/{run['id']}/output")[1]["stdout"]
        assert stdout == "try 1\ntry 2\ntry 3\n"
        assert server.request("GET", f"/contexts/{job['id']}")[1]["content"] == "try 3\n"
        context = server.request("GET", f"/contexts/{job['id']}")[1]
        assert context["attempts"] == 3 and context["content"] == "try 3\n"

    def test_one_attempt_by_default(self, server: ServerProcess, tmp_path: Path) -> None:
        """Without `max_attempts` a failing command is tried once."""
        job = make_job(server, tmp_path, command="exit 2")
        run = run_and_wait(server, job["id"])
        assert run["state"] == "failed" and len(run["attempts"]) == 1
