"""A pipeline run cut by kill -9: after the restart nothing recorded is lost or left going."""

from __future__ import annotations

import time
from pathlib import Path

import psutil

from tests.api_helpers import make_job
from tests.pipeline_helpers import make_pipeline, run_pipeline
from tests.support import ServerProcess

FINAL = {"succeeded", "failed", "timed_out", "cancelled", "interrupted", "skipped"}


def poll(server: ServerProcess, path: str, check, timeout: float = 30.0) -> dict:
    """GET `path` until `check(body)` holds (generous deadline for a loaded machine)."""
    deadline = time.monotonic() + timeout
    while True:
        status, body = server.request("GET", path)
        assert status == 200, body
        if check(body):
            return body
        assert time.monotonic() < deadline, f"{path} never matched: {body}"
        time.sleep(0.05)


def restarted(server: ServerProcess, data: Path) -> ServerProcess:
    server.kill()
    again = ServerProcess(data)
    again.port, again.url = server.port, server.url
    return again.start()


def step_runs(server: ServerProcess, pipeline_run_id: str) -> list[dict]:
    status, page = server.request("GET", "/runs?kind=job&limit=1000")
    assert status == 200, page
    return [run for run in page["items"] if run.get("pipeline_run_id") == pipeline_run_id]


def alive(command_line: str) -> bool:
    for proc in psutil.process_iter(["cmdline", "status"]):
        line = " ".join(proc.info["cmdline"] or [])
        if proc.info["status"] != psutil.STATUS_ZOMBIE and command_line in line:
            return True
    return False


class TestPipelineCrash:
    """kill -9 while a pipeline runs, then a start on the same data."""

    def test_the_step_going_is_interrupted_and_its_process_stopped(self, tmp_path: Path):
        """a done, b running `sleep`: after the restart a stays succeeded, b's run is
        interrupted with its process gone, c never ran, and pipelines run again."""
        data = tmp_path / "data"
        server = ServerProcess(data).start()
        jobs = {
            s: make_job(server, tmp_path, command=c)
            for s, c in (("a", "echo a"), ("b", "sleep 37.75"), ("c", "true"))
        }
        steps = [{"id": s, "job": jobs[s]["id"]} for s in ("a", "b", "c")]
        pipeline = make_pipeline(server, steps)
        status, run = server.request("POST", f"/pipelines/{pipeline['id']}/run")
        assert status == 202, run
        poll(server, f"/runs/{run['id']}", lambda r: r["steps"][1]["state"] == "running")
        again = restarted(server, data)
        try:
            status, cut = again.request("GET", f"/runs/{run['id']}")
            assert cut["state"] == "interrupted"
            a, b, c = cut["steps"]
            assert again.request("GET", f"/runs/{a['run_id']}")[1]["state"] == "succeeded"
            assert again.request("GET", f"/runs/{b['run_id']}")[1]["state"] == "interrupted"
            assert c["run_id"] is None and c["state"] in ("skipped", "interrupted")
            assert not alive("sleep 37.75"), "the cut step's process survived the restart"
            quick = make_pipeline(again, [{"id": "x", "job": jobs["c"]["id"]}])
            assert run_pipeline(again, quick["id"])["state"] == "succeeded"
        finally:
            again.stop()

    def test_no_step_run_is_left_going_or_unlinked(self, tmp_path: Path):
        """Killed among fast steps: every step run recorded is final after the restart, and
        every step's run ID names a stored run of that pipeline run."""
        data = tmp_path / "data"
        server = ServerProcess(data).start()
        job = make_job(server, tmp_path, command="true", max_concurrent=10)
        pipeline = make_pipeline(
            server, [{"id": f"s{n:03d}", "job": job["id"]} for n in range(300)]
        )
        status, run = server.request("POST", f"/pipelines/{pipeline['id']}/run")
        assert status == 202, run
        poll(server, f"/runs/{run['id']}", lambda r: r["steps"][20]["state"] != "pending")
        again = restarted(server, data)
        try:
            cut = again.request("GET", f"/runs/{run['id']}")[1]
            assert cut["state"] == "interrupted"
            recorded = step_runs(again, run["id"])
            assert len(recorded) >= 20
            assert all(step_run["state"] in FINAL for step_run in recorded)
            ids = {step_run["id"] for step_run in recorded}
            linked = {step["run_id"] for step in cut["steps"] if step["run_id"]}
            assert linked <= ids
            assert all(step["state"] in FINAL for step in cut["steps"])
        finally:
            again.stop()
