"""`execution.run_as`: jobs run as an unprivileged user who cannot read the data directory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import ROOT, ServerProcess

NOBODY = 65534
ROOT_ONLY = pytest.mark.skipif(
    os.name == "nt" or os.geteuid() != 0, reason="switching users needs a POSIX server run as root"
)


def _server_cli(*args: str, **options) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "orchestrator", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        **options,
    )


@pytest.fixture
def open_base() -> Iterator[Path]:
    """A directory any user may enter (pytest's own is 0700), so only the server's care of the
    data directory can keep the job user out of it."""
    base = Path(tempfile.mkdtemp(prefix="orch-run-as-"))
    base.chmod(0o755)
    yield base
    subprocess.run(["rm", "-rf", str(base)], check=False)


@ROOT_ONLY
class TestRunAs:
    """A root server with run_as=nobody runs each job as nobody."""

    def test_the_job_runs_as_the_user_and_cannot_read_the_key(self, open_base: Path):
        """`id -u` answers the user's uid; the key file and the store stay out of reach."""
        data = open_base / "data"
        data.mkdir(mode=0o755)
        data.chmod(0o755)
        server = ServerProcess(data, "--set", "execution.run_as=nobody").start()
        try:
            assert data.stat().st_mode & 0o777 == 0o700  # the server closed it
            store = data / "orchestrator.sqlite"
            command = f"id -u; echo HOME=$HOME; cat {data}/secret.key || echo refused; "
            command += f"test -r {store} && echo store-readable; grep CapEff /proc/self/status"
            body = {"name": "who", "command": command, "workdir": "/tmp"}
            status, job = server.request("POST", "/jobs", body)
            assert status == 201, job
            status, run = server.request("POST", f"/jobs/{job['id']}/run?wait=true")
            assert status == 200 and run["state"] == "succeeded", run
            out = server.request("GET", f"/runs/{run['id']}/output")[1]["stdout"]
            key = (data / "secret.key").read_text().strip()
            assert out.splitlines()[0] == str(NOBODY)
            assert "HOME=/nonexistent" in out
            assert "refused" in out and key not in out
            assert "store-readable" not in out
            assert "CapEff:\t0000000000000000" in out  # no privilege left to the job
        finally:
            server.stop()

    def test_an_unknown_user_stops_the_start(self, tmp_path: Path):
        """check-config and the server both refuse a user the machine does not know."""
        checked = _server_cli("--set", "execution.run_as=no-such-user-x", "check-config")
        assert checked.returncode != 0
        assert "no user 'no-such-user-x'" in checked.stderr
        served = _server_cli(
            "--data-dir", str(tmp_path / "data"), "--set", "execution.run_as=no-such-user-x"
        )
        assert served.returncode == 1
        assert "no user 'no-such-user-x'" in served.stderr

    @pytest.mark.skipif(shutil.which("setpriv") is None, reason="needs setpriv to drop root")
    def test_a_server_that_cannot_switch_says_so(self):
        """Run as nobody, the server cannot switch to another user: a clear error at start."""
        drop = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
        checked = subprocess.run(
            [*drop, sys.executable, "-m", "orchestrator", "--set", "execution.run_as=root"]
            + ["check-config"],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
        )
        assert checked.returncode != 0, checked.stdout
        assert "cannot switch users" in checked.stderr
