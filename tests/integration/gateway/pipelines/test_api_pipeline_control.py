"""Integration tests of pipeline runs under control: retrying a failed run, cancelling a running
one, planning one with `at`, and the pipeline contexts they leave."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil

from tests.api_helpers import assert_error, wait_for, when
from tests.pipeline_helpers import jobs_for, make_pipeline, run_pipeline, states, steps_of
from tests.support import ServerProcess

# Fails on its first run in a directory, succeeds after: the count file remembers.
FAIL_ONCE = 'n=$(cat count 2>/dev/null || echo 0); echo $((n + 1)) > count; [ "$n" -ge 1 ]'


def processes_with(marker: str) -> list[psutil.Process]:
    """Live (not zombie) processes whose command line contains `marker`."""
    found = []
    for proc in psutil.process_iter(["cmdline", "status"]):
        if proc.info["status"] != psutil.STATUS_ZOMBIE and marker in " ".join(
            proc.info["cmdline"] or ()
        ):
            found.append(proc)
    return found


def chain(jobs: dict[str, dict]) -> list[dict]:
    return [{"id": step, "job": job["id"]} for step, job in jobs.items()]


class TestRetry:
    def test_retry_reruns_only_what_failed(self, server: ServerProcess, tmp_path: Path) -> None:
        """A retried pipeline run keeps its succeeded step's run and re-runs the others."""
        jobs = jobs_for(server, tmp_path, first="echo one", flaky=FAIL_ONCE, last="echo end")
        pipeline = make_pipeline(server, chain(jobs))
        old = run_pipeline(server, pipeline["id"])
        assert old["state"] == "failed"
        assert states(old) == {"first": "succeeded", "flaky": "failed", "last": "skipped"}
        status, new = server.request("POST", f"/runs/{old['id']}/retry")
        assert status == 202, new
        assert new["trigger"] == {"type": "retry", "by": old["id"]} and new["id"] != old["id"]
        done = wait_for(server, new["id"])
        assert done["state"] == "succeeded", done
        kept, again = steps_of(old), steps_of(done)
        assert again["first"]["run_id"] == kept["first"]["run_id"]
        assert again["flaky"]["run_id"] not in (None, kept["flaky"]["run_id"])
        assert again["last"]["run_id"] is not None
        assert server.request("GET", f"/runs?owner={jobs['first']['id']}")[1]["total"] == 1
        assert (tmp_path / "count").read_text().strip() == "2"
        context = server.request("GET", f"/contexts/{pipeline['id']}")[1]
        snapshots = {s["step"]: s["context"] for s in context["steps"]}
        assert snapshots["first"]["run_id"] == kept["first"]["run_id"]
        assert (context["run_id"], context["content"]) == (done["id"], "end\n")

    def test_retry_keeps_the_retried_runs_contexts(
        self, server: ServerProcess, tmp_path: Path
    ) -> None:
        """A kept step's context is the one of the retried run, even after another run."""
        fail_twice = FAIL_ONCE.replace("-ge 1 ]", "-ge 2 ]")
        jobs = jobs_for(server, tmp_path, say='printf "%s" "$WORD"', flaky=fail_twice)
        pipeline = make_pipeline(server, chain(jobs))
        first = run_pipeline(server, pipeline["id"], {"env": {"WORD": "one"}})
        second = run_pipeline(server, pipeline["id"], {"env": {"WORD": "two"}})
        assert first["state"] == second["state"] == "failed"
        status, new = server.request("POST", f"/runs/{first['id']}/retry")
        assert status == 202, new
        done = wait_for(server, new["id"])
        assert done["state"] == "succeeded", done
        kept = steps_of(done)["say"]["run_id"]
        assert kept == steps_of(first)["say"]["run_id"]
        context = server.request("GET", f"/contexts/{pipeline['id']}")[1]
        snapshot = {s["step"]: s["context"] for s in context["steps"]}["say"]
        assert (snapshot["run_id"], snapshot["content"]) == (kept, "one")

    def test_retry_of_a_running_pipeline_is_a_conflict(
        self, server: ServerProcess, tmp_path: Path
    ) -> None:
        """Only a finished pipeline run can be retried."""
        jobs = jobs_for(server, tmp_path, wait="sleep 0.5")
        status, run = server.request(
            "POST", f"/pipelines/{make_pipeline(server, chain(jobs))['id']}/run"
        )
        assert status == 202
        assert_error(server.request("POST", f"/runs/{run['id']}/retry"), 409, "conflict")
        wait_for(server, run["id"])


class TestCancel:
    def test_cancel_kills_the_running_step(self, server: ServerProcess, tmp_path: Path) -> None:
        """Cancel ends the pipeline run and its running step `cancelled` and leaves no process."""
        marker = f"sleep 30.{uuid.uuid4().int % 10**6:06d}"
        jobs = jobs_for(server, tmp_path, first="echo one", long=marker, after="echo never")
        pipeline = make_pipeline(server, chain(jobs))
        status, run = server.request("POST", f"/pipelines/{pipeline['id']}/run")
        assert status == 202, run
        deadline = time.monotonic() + 10
        while not processes_with(marker):
            assert time.monotonic() < deadline, "the long step never started"
            time.sleep(0.05)
        status, cancelled = server.request("POST", f"/runs/{run['id']}/cancel")
        assert status == 200 and cancelled["state"] == "cancelled", cancelled
        final = wait_for(server, run["id"])
        assert final["state"] == "cancelled"
        assert states(final) == {"first": "succeeded", "long": "cancelled", "after": "skipped"}
        child = wait_for(server, steps_of(final)["long"]["run_id"])
        assert child["state"] == "cancelled" and child["pipeline_run_id"] == run["id"]
        deadline = time.monotonic() + 3
        while processes_with(marker) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert processes_with(marker) == []
        assert_error(server.request("POST", f"/runs/{run['id']}/cancel"), 409, "conflict")


class TestPlanned:
    def test_at_plans_a_pipeline_run(self, server: ServerProcess, tmp_path: Path) -> None:
        """`at` ahead gives a `scheduled` run with pending steps that starts at that time."""
        jobs = jobs_for(server, tmp_path, a="echo planned")
        pipeline = make_pipeline(server, chain(jobs))
        at = datetime.now(UTC) + timedelta(seconds=1)
        status, run = server.request(
            "POST", f"/pipelines/{pipeline['id']}/run", {"at": at.isoformat()}
        )
        assert status == 202, run
        assert (run["state"], run["trigger"]["type"]) == ("scheduled", "at")
        assert run["steps"] == [
            {
                "id": "a",
                "job_id": jobs["a"]["id"],
                "run_id": None,
                "state": "pending",
                "attempts": 0,
            }
        ]
        shown = server.request("GET", f"/pipelines/{pipeline['id']}")[1]
        assert shown["next_run_at"] == run["scheduled_for"]
        done = wait_for(server, run["id"], timeout=8)
        assert done["state"] == "succeeded"
        assert when(done["started_at"]) >= at - timedelta(milliseconds=2)


class TestPipelineContexts:
    def test_context_holds_each_step_snapshot(self, server: ServerProcess, tmp_path: Path) -> None:
        """A pipeline's context has the last step's output and each step's job context."""
        jobs = jobs_for(server, tmp_path, a="echo A", b="echo B")
        pipeline = make_pipeline(server, chain(jobs))
        run = run_pipeline(server, pipeline["id"])
        status, context = server.request("GET", f"/contexts/{pipeline['name']}")
        assert status == 200, context
        assert (context["id"], context["kind"]) == (pipeline["context_id"], "pipeline")
        assert (context["owner_id"], context["owner_name"]) == (pipeline["id"], pipeline["name"])
        assert (context["content"], context["run_id"], context["state"]) == (
            "B\n",
            run["id"],
            "succeeded",
        )
        assert context["attempts"] == 2 and context["size"] == 2
        assert [(s["step"], s["job_id"]) for s in context["steps"]] == [
            (step, job["id"]) for step, job in jobs.items()
        ]
        for snapshot, step in zip(context["steps"], run["steps"], strict=True):
            assert snapshot["context"]["run_id"] == step["run_id"]
            job_context = server.request("GET", f"/contexts/{step['job_id']}")[1]
            assert snapshot["context"] == job_context
        for ref in (pipeline["id"], pipeline["context_id"].lower()):
            assert server.request("GET", f"/contexts/{ref}") == (200, context)

    def test_list_pipeline_contexts(self, server: ServerProcess, tmp_path: Path) -> None:
        """`kind=pipeline` lists pipeline contexts only, a never-run pipeline's empty one too."""
        jobs = jobs_for(server, tmp_path, a="echo A")
        ran, idle = make_pipeline(server, chain(jobs)), make_pipeline(server, chain(jobs))
        run_pipeline(server, ran["id"])
        status, page = server.request("GET", "/contexts?kind=pipeline&limit=1000")
        assert status == 200
        assert all(item["kind"] == "pipeline" for item in page["items"])
        found = {item["id"]: item for item in page["items"]}
        assert found[ran["context_id"]]["content"] == "A\n"
        assert found[idle["context_id"]]["content"] == ""
        assert found[idle["context_id"]]["run_id"] is None
        assert jobs["a"]["context_id"] not in found
