"""Backpressure over HTTP: queued runs hold no thread, and past `execution.max_queued_runs`
new runs are refused with 429 and Retry-After from every trigger route."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import psutil
import pytest

from tests.api_helpers import make_job, run_and_wait, start_run, wait_for
from tests.pipeline_helpers import make_pipeline
from tests.support import ServerProcess

LIMIT = 50
SUBMITTED = 200


def _post(server: ServerProcess, path: str) -> tuple[int, dict, str | None]:
    """POST with no body; (status, JSON body, Retry-After header)."""
    headers = {"Authorization": f"Bearer {server.api_key}"}
    req = urllib.request.Request(server.url + path, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read()), resp.headers.get("Retry-After")
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read()), err.headers.get("Retry-After")


def _threads(server: ServerProcess) -> int:
    return psutil.Process(server.process.pid).num_threads()


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("backlog")
    limits = (
        "--set",
        "execution.max_concurrent_runs=1",
        "--set",
        f"execution.max_queued_runs={LIMIT}",
    )
    server = ServerProcess(base / "data", *limits).start()
    yield server, base
    server.stop()


class TestBacklog:
    """A full queue refuses new runs; queued runs cost no thread; accepted runs all finish."""

    def test_queued_runs_hold_no_thread_and_past_the_limit_get_429(self, limited):
        """200 pipeline runs behind a blocker: 50 accepted, the rest 429, threads stay flat."""
        server, workdir = limited
        quick = make_job(server, workdir)
        finished = run_and_wait(server, quick["id"])  # something to retry later
        blocker = make_job(server, workdir, command="sleep 120", timeout=600)
        blocking = start_run(server, blocker["id"])
        wait_for(server, blocking["id"], {"running"}, timeout=20)
        pipeline = make_pipeline(server, [{"id": "only", "job": quick["id"]}])
        schedule = {"name": "full-trigger", "cron": "0 0 1 1 *", "targets": [quick["id"]]}
        status, manual = server.request("POST", "/schedules", schedule)
        assert status == 201, manual
        base = _threads(server)

        statuses, accepted, most_threads = [], [], base
        for _ in range(SUBMITTED):
            status, body, retry_after = _post(server, f"/pipelines/{pipeline['id']}/run")
            statuses.append(status)
            if status == 202:
                accepted.append(body["id"])
            else:
                assert status == 429, body
                assert body["error"]["code"] == "too_many_runs"
                assert body["error"]["details"]["limit"] == LIMIT
                assert retry_after is not None and int(retry_after) > 0
            most_threads = max(most_threads, _threads(server))
        assert len(accepted) == LIMIT, statuses
        assert statuses.count(429) == SUBMITTED - LIMIT
        assert most_threads < base + 20, (base, most_threads)

        # Every other way to start a run is refused the same way while the queue is full.
        for path in (
            f"/jobs/{quick['id']}/run",
            f"/runs/{finished['id']}/retry",
            f"/schedules/{manual['id']}/trigger",
        ):
            status, body, retry_after = _post(server, path)
            assert status == 429 and body["error"]["code"] == "too_many_runs", (path, body)
            assert retry_after is not None, path
        status, metrics = server.request("GET", "/metrics")
        assert status == 200 and metrics["runs"]["pipelines_running"] == LIMIT

        # A run planned for later is not queued yet, so it is accepted.
        status, planned = server.request(
            "POST", f"/jobs/{quick['id']}/run", {"at": "2099-01-01T00:00:00+00:00"}
        )
        assert status == 202 and planned["state"] == "scheduled", planned
        assert server.request("POST", f"/runs/{planned['id']}/cancel")[0] == 200

        assert server.request("POST", f"/runs/{blocking['id']}/cancel")[0] == 200
        for run_id in accepted:
            assert wait_for(server, run_id, timeout=120)["state"] == "succeeded"
        assert start_run(server, quick["id"])["state"] in ("queued", "running")

    def test_a_schedule_fire_over_the_limit_is_skipped_with_a_warning(self, limited):
        """A due fire finds the queue full: no run is created and a warning says why."""
        server, workdir = limited
        quick = make_job(server, workdir)
        blocker = make_job(server, workdir, command="sleep 120", timeout=600)
        blocking = start_run(server, blocker["id"])
        wait_for(server, blocking["id"], {"running"}, timeout=60)
        for _ in range(LIMIT):
            start_run(server, quick["id"])  # queued behind the blocker
        assert _post(server, f"/jobs/{quick['id']}/run")[0] == 429
        target = make_job(server, workdir)
        schedule = {"name": "every-second", "cron": "* * * * * *", "targets": [target["id"]]}
        status, created = server.request("POST", "/schedules", schedule)
        assert status == 201, created
        deadline = time.monotonic() + 30
        while True:
            status, logs = server.request("GET", "/logs?level=warning&q=schedule%20fire%20skipped")
            if logs["items"] or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert logs["items"], "no warning about the skipped fire"
        assert created["id"] in json.dumps(logs["items"])
        server.request("POST", f"/schedules/{created['id']}/pause")
        assert server.request("GET", f"/runs?owner={target['id']}")[1]["total"] == 0
        assert server.request("POST", f"/runs/{blocking['id']}/cancel")[0] == 200
