"""Start, stop and crash: what a restart finds, and how a shutdown treats running work."""

from __future__ import annotations

import signal
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil

from tests.support import ServerProcess


def _job(server: ServerProcess, name: str, command: str, workdir: Path, **extra) -> dict:
    status, job = server.request(
        "POST", "/jobs", {"name": name, "command": command, "workdir": str(workdir), **extra}
    )
    assert status == 201, job
    return job


def _alive(command_line: str) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline", "status"]):
        if proc.info["status"] != psutil.STATUS_ZOMBIE and command_line in " ".join(
            proc.info["cmdline"] or []
        ):
            found.append(proc)
    return found


def _wait_state(server: ServerProcess, run_id: str, states: set[str], timeout: float = 10) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        status, run = server.request("GET", f"/runs/{run_id}")
        assert status == 200
        if run["state"] in states or time.monotonic() > deadline:
            return run
        time.sleep(0.05)


class TestCrashRecovery:
    def test_kill_9_then_restart_loses_nothing_acknowledged(self, tmp_path: Path):
        """Definitions, finished runs and contexts survive kill -9; cut runs become interrupted."""
        server = ServerProcess(tmp_path / "data").start()
        jobs = [_job(server, f"job-{n}", f"echo out-{n}", tmp_path) for n in range(20)]
        finished = []
        for job in jobs[:5]:
            status, run = server.request("POST", f"/jobs/{job['id']}/run?wait=true")
            assert status == 200 and run["state"] == "succeeded"
            finished.append(run)
        slow = _job(server, "slow", "sleep 37.25", tmp_path)
        status, cut = server.request("POST", f"/jobs/{slow['id']}/run")
        assert status == 202
        _wait_state(server, cut["id"], {"running"})
        at = (datetime.now(UTC) + timedelta(seconds=4)).isoformat()
        status, planned = server.request("POST", f"/jobs/{jobs[6]['id']}/run", {"at": at})
        assert status == 202 and planned["state"] == "scheduled"
        server.kill()

        again = ServerProcess(tmp_path / "data")
        again.port, again.url = server.port, server.url
        again.start()
        try:
            status, listed = again.request("GET", "/jobs?limit=1000")
            assert status == 200
            assert {j["id"] for j in listed["items"]} == {j["id"] for j in [*jobs, slow]}
            for run in finished:
                status, stored = again.request("GET", f"/runs/{run['id']}")
                assert stored["state"] == "succeeded" and stored["finished_at"]
                status, ctx = again.request("GET", f"/contexts/{run['owner_id']}")
                assert ctx["content"] == f"out-{run['owner_name'].split('-')[1]}\n"
            status, stored = again.request("GET", f"/runs/{cut['id']}")
            assert stored["state"] == "interrupted"
            assert "stopped" in stored["error"]
            assert not _alive("sleep 37.25"), "the cut run's process survived the restart"
            final = _wait_state(again, planned["id"], {"succeeded", "failed"}, timeout=15)
            assert final["state"] == "succeeded"
        finally:
            again.stop()


class TestGracefulShutdown:
    def test_sigterm_lets_short_runs_finish(self, tmp_path: Path):
        """A run that ends within the grace period finishes normally and the exit code is 0."""
        server = ServerProcess(tmp_path / "data", "--set", "server.shutdown_grace=5").start()
        job = _job(server, "short", "sleep 0.5; echo done", tmp_path)
        status, run = server.request("POST", f"/jobs/{job['id']}/run")
        _wait_state(server, run["id"], {"running"})
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(15) == 0

        again = ServerProcess(tmp_path / "data").start()
        try:
            status, stored = again.request("GET", f"/runs/{run['id']}")
            assert stored["state"] == "succeeded"
            assert again.request("GET", f"/contexts/{job['id']}")[1]["content"] == "done\n"
        finally:
            again.stop()

    def test_sigterm_interrupts_what_outlives_the_grace(self, tmp_path: Path):
        """A run still going when the grace ends is killed and marked interrupted."""
        server = ServerProcess(tmp_path / "data", "--set", "server.shutdown_grace=0.5").start()
        job = _job(server, "long", "sleep 30", tmp_path)
        status, run = server.request("POST", f"/jobs/{job['id']}/run")
        _wait_state(server, run["id"], {"running"})
        began = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(20) == 0
        assert time.monotonic() - began < 10

        again = ServerProcess(tmp_path / "data").start()
        try:
            status, stored = again.request("GET", f"/runs/{run['id']}")
            assert stored["state"] == "interrupted"
        finally:
            again.stop()
