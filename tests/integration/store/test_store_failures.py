"""A real server whose store cannot be written: the failing writes fail, everything else works,
and once the disk takes writes again so does the server, without a restart. The disk is made
"full" by a file-size limit of 0 on the running server (RLIMIT_FSIZE through prlimit)."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import pytest

from tests.api_helpers import assert_error, make_job, start_run, wait_for
from tests.support import ServerProcess

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="prlimit on another process is Linux only"
)
if sys.platform.startswith("linux"):
    import resource


@contextmanager
def disk_full(server: ServerProcess) -> Iterator[None]:
    """No file of the server may grow while inside (writes fail with EFBIG)."""
    pid = server.process.pid
    soft, hard = resource.prlimit(pid, resource.RLIMIT_FSIZE)
    resource.prlimit(pid, resource.RLIMIT_FSIZE, (0, hard))
    try:
        yield
    finally:
        with suppress(ProcessLookupError):  # the test may have stopped the server
            resource.prlimit(pid, resource.RLIMIT_FSIZE, (soft, hard))


def eventually(check, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.1)


class TestDiskFull:
    """Writes fail with 507 and change nothing; reads work; health says why; it all recovers."""

    def test_full_disk_then_recovery(self, fresh_server: ServerProcess, tmp_path) -> None:
        server = fresh_server
        kept = make_job(server, tmp_path)
        slow = make_job(server, tmp_path, command="sleep 2; echo done")
        run = start_run(server, slow["id"])
        wait_for(server, run["id"], {"running"})
        with disk_full(server):
            answer = server.request(
                "POST", "/jobs", {"name": "lost", "command": "true", "workdir": str(tmp_path)}
            )
            assert_error(answer, 507, "insufficient_storage")
            status, jobs = server.request("GET", "/jobs")
            assert status == 200
            names = {job["name"] for job in jobs["items"]}
            assert kept["name"] in names and "lost" not in names
            assert server.request("GET", "/runs")[0] == 200
            status, health = server.request("GET", "/health")
            assert status == 503, health
            assert health["error"]["code"] == "insufficient_storage"
            # the run ends meanwhile; its end cannot be written yet
            eventually(lambda: server.request("GET", f"/runs/{run['id']}")[1]["state"] != "running")
        eventually(lambda: server.request("GET", "/health")[0] == 200)
        again = {"name": "after", "command": "true", "workdir": str(tmp_path)}
        assert server.request("POST", "/jobs", again)[0] == 201
        assert wait_for(server, run["id"])["state"] == "succeeded"
        assert server.stop() == 0
        restarted = ServerProcess(server.data_dir).start()
        try:
            status, stored = restarted.request("GET", f"/runs/{run['id']}")
            assert status == 200 and stored["state"] == "succeeded", stored
            names = {job["name"] for job in restarted.request("GET", "/jobs")[1]["items"]}
            assert "after" in names and "lost" not in names
        finally:
            restarted.stop()


class TestStopWhileFull:
    """SIGTERM ends the server within the grace even while the store cannot be written."""

    def test_sigterm_while_full(self, fresh_server: ServerProcess, tmp_path) -> None:
        make_job(fresh_server, tmp_path)
        with disk_full(fresh_server):
            answer = fresh_server.request(
                "POST", "/jobs", {"name": "x", "command": "true", "workdir": str(tmp_path)}
            )
            assert answer[0] == 507
            started = time.monotonic()
            code = fresh_server.stop(timeout=60)
            assert code is not None and code != -9
            assert time.monotonic() - started < 45
        assert not os.path.exists(f"/proc/{fresh_server.process.pid}")
