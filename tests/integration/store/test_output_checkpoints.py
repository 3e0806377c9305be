"""Output checkpoints on a real server: what a running attempt wrote before a SIGKILL is there
after the restart."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from orchestrator.store import output_codec
from tests.api_helpers import make_job, start_run, wait_for
from tests.support import ServerProcess


def stored_output(store: Path, run_id: str) -> dict | None:
    """The output row of `run_id` as the store holds it on disk (read-only), if any."""
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as db:
        row = db.execute('SELECT value FROM "outputs" WHERE key = ?', (run_id,)).fetchone()
    return None if row is None else output_codec.decode(row[0])


class TestKilledServer:
    """A server killed mid-run keeps the output saved by the last checkpoint."""

    def test_kill_9_keeps_the_checkpointed_output(self, tmp_path: Path) -> None:
        """The line written before the checkpoint is there after a SIGKILL and a restart."""
        data = tmp_path / "data"
        proc = ServerProcess(data, "--set", "jobs.output_checkpoint_interval=0.2").start()
        try:
            job = make_job(proc, tmp_path, command="echo before; sleep 60; echo after")
            run = start_run(proc, job["id"])
            deadline = time.monotonic() + 30
            while (saved := stored_output(data / "orchestrator.sqlite", run["id"])) is None:
                assert time.monotonic() < deadline, "no checkpoint of the running output"
                time.sleep(0.1)
            assert saved["stdout"] == "before\n"
        finally:
            proc.kill()
        proc.start()
        try:
            assert wait_for(proc, run["id"])["state"] == "interrupted"
            status, body = proc.request("GET", f"/runs/{run['id']}/output")
            assert status == 200 and (body["stdout"], body["complete"]) == ("before\n", True)
        finally:
            proc.stop()
