"""A retried run points at its newest retry (`retried_by`), so nobody retries it twice blindly."""

from __future__ import annotations

from pathlib import Path

from tests.api_helpers import make_job, run_and_wait
from tests.support import ServerProcess


class TestRetriedBy:
    def test_retry_links_the_old_run_to_the_new_one(self, server: ServerProcess, tmp_path: Path):
        """Before a retry `retried_by` is null; after each retry it names the newest one, in the
        run, in the runs list, and after the new run has finished."""
        job = make_job(server, tmp_path, command="exit 2")
        failed = run_and_wait(server, job["id"])
        assert failed["state"] == "failed" and failed["retried_by"] is None
        first = server.request("POST", f"/runs/{failed['id']}/retry")[1]
        assert server.request("GET", f"/runs/{failed['id']}")[1]["retried_by"] == first["id"]
        second = server.request("POST", f"/runs/{failed['id']}/retry")[1]
        listed = server.request("GET", f"/runs?owner={job['id']}")[1]["items"]
        shown = {run["id"]: run["retried_by"] for run in listed}
        assert shown[failed["id"]] == second["id"]
        assert shown[first["id"]] is None
        assert first["trigger"] == {"type": "retry", "by": failed["id"]}
