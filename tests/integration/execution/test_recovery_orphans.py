"""Start-up recovery after kill -9: no process of a cut run survives, even one started with
`env -i`, and even when the recovery itself is killed half-way."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import psutil

from tests.support import ROOT, ServerProcess

DEADLINE = 30.0


def _alive(marker: str) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline", "status"]):
        cmdline = " ".join(proc.info["cmdline"] or [])
        if proc.info["status"] != psutil.STATUS_ZOMBIE and marker in cmdline:
            found.append(proc)
    return found


def _wait_for(check, what: str, timeout: float = DEADLINE):
    deadline = time.monotonic() + timeout
    while not (found := check()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)
    return found


def _start_cut_run(tmp_path: Path, command: str) -> tuple[ServerProcess, str]:
    """A server with one run of `command` going, then killed with SIGKILL."""
    server = ServerProcess(tmp_path / "data").start()
    body = {"name": "orphans", "command": command, "workdir": str(tmp_path)}
    status, job = server.request("POST", "/jobs", body)
    assert status == 201, job
    status, run = server.request("POST", f"/jobs/{job['id']}/run")
    assert status == 202, run
    return server, run["id"]


def _restart(server: ServerProcess, *args: str) -> ServerProcess:
    again = ServerProcess(server.data_dir, *args)
    again.port, again.url = server.port, server.url
    return again.start(timeout=60)


def _kill_all(marker: str) -> None:
    for proc in _alive(marker):
        proc.kill()


class TestOrphansAfterKill9:
    """The next start stops every process of the runs the crash cut, then marks them."""

    def test_a_child_started_with_env_i_is_stopped(self, tmp_path: Path):
        """A child without ORCH_RUN_ID in its environment is found by its session."""
        command = "env -i sh -c 'sleep 301.25' & sleep 302.25"
        server, run_id = _start_cut_run(tmp_path, command)
        try:
            _wait_for(lambda: _alive("sleep 301.25") and _alive("sleep 302.25"), "the job")
            time.sleep(1.0)  # the run's process mark reaches the file (flushed when idle)
            server.kill()
            again = _restart(server)
            try:
                assert not _alive("sleep 301.25"), "the env -i child survived the restart"
                assert not _alive("sleep 302.25")
                status, run = again.request("GET", f"/runs/{run_id}")
                assert status == 200 and run["state"] == "interrupted"
                assert "process" not in run  # kept for recovery, not shown
            finally:
                again.stop()
        finally:
            _kill_all("sleep 30")

    def test_kill_9_during_the_recovery_still_leaves_nothing(self, tmp_path: Path):
        """Killed while it waits for the leftovers to stop, the next start stops them again."""
        marker = tmp_path / "terminated"
        # The shell survives SIGTERM (and says so in a file), so the recovery must wait for its
        # grace before the kill: that is the moment the second server is killed. Its output
        # goes nowhere: the pipes of the killed server would end it with SIGPIPE.
        command = (
            f"exec >/dev/null 2>&1; trap 'echo term >> {marker}' TERM; "
            "env -i sh -c 'sleep 303.25' & "
            "while :; do sleep 0.2; done"
        )
        server, run_id = _start_cut_run(tmp_path, command)
        try:
            _wait_for(lambda: _alive("sleep 303.25"), "the job")
            time.sleep(1.0)
            server.kill()
            args = [sys.executable, "-m", "orchestrator", "--silent"]
            args += ["--data-dir", str(server.data_dir), "--port", str(server.port)]
            args += ["--set", "execution.kill_grace=60"]
            second = subprocess.Popen(args, cwd=ROOT, env=server.env)
            try:
                _wait_for(marker.exists, "the recovery to send SIGTERM", timeout=60)
            finally:
                second.kill()
                second.wait()
            assert _alive("sleep 303.25"), "the recovery was not killed half-way"
            again = _restart(server, "--set", "execution.kill_grace=1")
            try:
                assert not _alive("sleep 303.25"), "a process outlived two restarts"
                status, run = again.request("GET", f"/runs/{run_id}")
                assert status == 200 and run["state"] == "interrupted"
            finally:
                again.stop()
        finally:
            _kill_all("sleep 303.25")
