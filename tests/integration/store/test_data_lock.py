"""One server per data directory: a second one on the same directory refuses to start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.api_helpers import make_job, start_run, wait_for
from tests.support import ROOT, ServerProcess

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX shell commands")


class TestSecondServer:
    """A second server on a data directory in use exits non-zero naming the holder's PID."""

    def test_second_server_refuses_and_the_first_run_is_untouched(self, fresh_server, tmp_path):
        job = make_job(fresh_server, tmp_path, command="sleep 2; echo done")
        run = start_run(fresh_server, job["id"])
        wait_for(fresh_server, run["id"], {"running"})
        second = ServerProcess(fresh_server.data_dir)
        with pytest.raises(RuntimeError, match="exited with 1") as failed:
            second.start(timeout=30)
        pid = str(fresh_server.process.pid)
        assert f"PID {pid}" in str(failed.value)
        assert (fresh_server.data_dir / "orchestrator.lock").read_text().strip() == pid
        finished = wait_for(fresh_server, run["id"], timeout=30)
        assert finished["state"] == "succeeded", finished

    def test_offline_commands_take_the_lock_too(self, fresh_server: ServerProcess) -> None:
        env = {**os.environ, "ORCH_ADMIN_PASSWORD": "x" * 16}
        for command in ("init", "rotate-key"):
            done = subprocess.run(
                [sys.executable, "-m", "orchestrator", "--data-dir", str(fresh_server.data_dir)]
                + [command],
                capture_output=True,
                text=True,
                cwd=ROOT,
                env=env,
                timeout=60,
            )
            assert done.returncode != 0, command
            assert f"PID {fresh_server.process.pid}" in done.stderr, done.stderr


class TestLockGoesWithItsHolder:
    """A killed server leaves no lock behind: the next one starts."""

    def test_start_after_kill(self, tmp_path: Path) -> None:
        first = ServerProcess(tmp_path / "data").start()
        first.kill()
        second = ServerProcess(tmp_path / "data").start()
        try:
            assert second.request("GET", "/health")[0] == 200
        finally:
            second.stop()
