"""Integration tests of API.md's Pipelines section, part two: reading, listing, changing, copying
and deleting pipelines, and the guard on deleting a job that a pipeline uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.api_helpers import assert_error, assert_fields, make_job, q, unique
from tests.pipeline_helpers import make_pipeline, run_pipeline, states
from tests.support import ServerProcess


@pytest.fixture
def job(server: ServerProcess, tmp_path: Path) -> dict:
    return make_job(server, tmp_path, command="echo x")


class TestReadAndChange:
    def test_get_by_id_any_case_and_name(self, server: ServerProcess, job: dict) -> None:
        """A pipeline answers to its ID in any case and to its name; others are a 404."""
        pipeline = make_pipeline(server, [{"id": "a", "job": job["id"]}])
        for ref in (pipeline["id"], pipeline["id"].lower(), pipeline["name"]):
            assert server.request("GET", f"/pipelines/{q(ref)}") == (200, pipeline), ref
        assert_error(server.request("GET", f"/pipelines/{unique()}"), 404, "not_found")

    def test_list_filters(self, server: ServerProcess, job: dict) -> None:
        """`q` and `tag` filter the list and `total` counts the matches."""
        tag = unique("tag")
        made = [make_pipeline(server, [{"id": "a", "job": job["id"]}], tags=[tag]) for _ in "ab"]
        status, page = server.request("GET", f"/pipelines?tag={tag}")
        assert status == 200 and page["total"] == 2
        assert [p["id"] for p in page["items"]] == [p["id"] for p in made]
        page = server.request("GET", f"/pipelines?q={made[1]['name'][-6:].upper()}")[1]
        assert [p["id"] for p in page["items"]] == [made[1]["id"]]

    def test_patch_keeps_other_fields(self, server: ServerProcess, job: dict) -> None:
        """PATCH changes the fields sent; new steps are validated, a bad graph changes nothing."""
        pipeline = make_pipeline(server, [{"id": "a", "job": job["id"]}], description="d")
        status, patched = server.request(
            "PATCH", f"/pipelines/{pipeline['id']}", {"on_failure": "continue"}
        )
        assert status == 200 and patched["on_failure"] == "continue"
        assert patched["description"] == "d" and patched["steps"] == pipeline["steps"]
        bad = {"steps": [{"id": "a", "job": job["id"], "depends_on": ["a"]}]}
        assert_error(
            server.request("PATCH", f"/pipelines/{pipeline['id']}", bad), 400, "validation_error"
        )
        missing = {"steps": [{"id": "a", "job": unique()}]}
        assert_error(
            server.request("PATCH", f"/pipelines/{pipeline['id']}", missing),
            422,
            "invalid_reference",
        )
        assert server.request("GET", f"/pipelines/{pipeline['id']}")[1] == patched

    def test_put_replaces_everything(self, server: ServerProcess, job: dict) -> None:
        """PUT resets what it leaves out; it needs name and steps; a taken name is a 409."""
        pipeline = make_pipeline(server, [{"id": "a", "job": job["id"]}], max_attempts=4)
        body = {"name": pipeline["name"], "steps": [{"id": "z", "job": job["name"]}]}
        status, replaced = server.request("PUT", f"/pipelines/{pipeline['id']}", body)
        assert status == 200 and replaced["max_attempts"] == 1
        assert [s["id"] for s in replaced["steps"]] == ["z"] and replaced["id"] == pipeline["id"]
        assert_fields(
            server.request("PUT", f"/pipelines/{pipeline['id']}", {"steps": body["steps"]}), "name"
        )
        other = make_pipeline(server, [{"id": "a", "job": job["id"]}])
        body["name"] = other["name"]
        assert_error(server.request("PUT", f"/pipelines/{pipeline['id']}", body), 409, "conflict")


class TestCopyAndDelete:
    def test_copy(self, server: ServerProcess, job: dict) -> None:
        """A copy gets a new ID, `<name>-copy` or the name given, the same steps, no context."""
        pipeline = make_pipeline(server, [{"id": "a", "job": job["id"]}], tags=["t"])
        status, copy = server.request("POST", f"/pipelines/{pipeline['id']}/copy")
        assert status == 201, copy
        assert copy["name"] == pipeline["name"] + "-copy" and copy["id"] != pipeline["id"]
        assert (copy["steps"], copy["tags"]) == (pipeline["steps"], ["t"])
        assert server.request("GET", f"/contexts/{copy['context_id']}")[1]["content"] == ""
        assert_error(server.request("POST", f"/pipelines/{pipeline['id']}/copy"), 409, "conflict")
        named = server.request(
            "POST", f"/pipelines/{pipeline['name']}/copy", {"name": "n-" + copy["name"]}
        )
        assert named[0] == 201 and named[1]["name"] == "n-" + copy["name"]

    def test_delete(self, server: ServerProcess, job: dict) -> None:
        """Deleting a pipeline removes it and its context; its jobs and runs stay."""
        pipeline = make_pipeline(server, [{"id": "a", "job": job["id"]}])
        run = run_pipeline(server, pipeline["id"])
        assert server.request("DELETE", f"/pipelines/{pipeline['name']}") == (204, None)
        assert_error(server.request("GET", f"/pipelines/{pipeline['id']}"), 404, "not_found")
        assert_error(server.request("GET", f"/contexts/{pipeline['context_id']}"), 404, "not_found")
        assert server.request("GET", f"/jobs/{job['id']}")[0] == 200
        assert server.request("GET", f"/runs/{run['id']}")[1]["state"] == "succeeded"
        assert_error(server.request("DELETE", f"/pipelines/{pipeline['id']}"), 404, "not_found")


class TestJobInUse:
    def test_job_delete_is_a_conflict_unless_forced(
        self, server: ServerProcess, tmp_path: Path
    ) -> None:
        """A job a pipeline uses is a 409 naming the pipeline; forced, the step then fails."""
        used, other = make_job(server, tmp_path), make_job(server, tmp_path)
        steps = [{"id": "a", "job": used["id"]}, {"id": "b", "job": other["id"]}]
        pipeline = make_pipeline(server, steps)
        details = assert_error(server.request("DELETE", f"/jobs/{used['id']}"), 409, "conflict")
        assert details["pipelines"] == [pipeline["name"]]
        assert server.request("GET", f"/jobs/{used['id']}")[0] == 200
        assert server.request("DELETE", f"/jobs/{used['id']}?force=true") == (204, None)
        shown = server.request("GET", f"/pipelines/{pipeline['id']}")[1]
        assert shown["steps"][0]["job_name"] is None
        run = run_pipeline(server, pipeline["id"])
        assert run["state"] == "failed" and states(run) == {"a": "failed", "b": "skipped"}

    def test_job_free_again_once_pipeline_is_gone(self, server: ServerProcess, job: dict) -> None:
        """After its pipeline is deleted, the job deletes without `force`."""
        pipeline = make_pipeline(server, [{"id": "a", "job": job["id"]}])
        assert server.request("DELETE", f"/pipelines/{pipeline['id']}")[0] == 204
        assert server.request("DELETE", f"/jobs/{job['id']}") == (204, None)
