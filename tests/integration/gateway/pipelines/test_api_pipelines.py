"""Integration tests of API.md's Pipelines section, part one: creating pipelines, their step DAG,
and the validation of what is sent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.api_helpers import assert_error, assert_fields, make_job, unique
from tests.pipeline_helpers import make_pipeline
from tests.support import ServerProcess

PIPELINE_ID = re.compile(r"^P[0-9A-HJKMNP-TV-Z]{8}$")
PIPELINE_KEYS = {
    "id", "name", "steps", "max_attempts", "on_failure", "max_concurrent", "description", "tags",
    "enabled", "context_id", "created_at", "updated_at", "created_by", "state", "last_run_id",
    "next_run_at",
}  # fmt: skip


@pytest.fixture
def job(server: ServerProcess, tmp_path: Path) -> dict:
    return make_job(server, tmp_path, command="echo x")


class TestCreatePipeline:
    def test_every_field_is_returned(self, server: ServerProcess, job: dict) -> None:
        """Every field comes back as sent, steps resolved to job IDs with the job's name."""
        body = {
            "name": unique("pipe"),
            "steps": [{"id": "a", "job": job["name"]}, {"id": "b", "job": job["id"].lower()}],
            "max_attempts": 3,
            "on_failure": "continue",
            "max_concurrent": 2,
            "description": "two steps",
            "tags": ["etl", "etl", "nightly"],
            "enabled": True,
        }
        status, pipeline = server.request("POST", "/pipelines", body)
        assert status == 201, pipeline
        assert set(pipeline) == PIPELINE_KEYS
        assert PIPELINE_ID.match(pipeline["id"])
        assert pipeline["context_id"] == "C" + pipeline["id"]
        assert pipeline["steps"] == [
            {"id": "a", "job": job["id"], "depends_on": [], "job_name": job["name"]},
            {"id": "b", "job": job["id"], "depends_on": ["a"], "job_name": job["name"]},
        ]
        for name in ("name", "max_attempts", "on_failure", "max_concurrent", "description"):
            assert pipeline[name] == body[name], name
        assert pipeline["tags"] == ["etl", "nightly"]
        assert (pipeline["state"], pipeline["last_run_id"]) == ("never_run", None)
        assert pipeline["created_by"] == "admin" and pipeline["next_run_at"] is None

    def test_defaults(self, server: ServerProcess, job: dict) -> None:
        """Only name and steps: the other fields take their documented defaults."""
        pipeline = make_pipeline(server, [{"id": "only", "job": job["id"]}])
        assert (pipeline["max_attempts"], pipeline["on_failure"]) == (1, "stop")
        assert pipeline["max_concurrent"] == 1 and pipeline["enabled"] is True
        assert (pipeline["description"], pipeline["tags"]) == ("", [])

    def test_depends_on_default_and_roots(self, server: ServerProcess, job: dict) -> None:
        """Without `depends_on` a step follows the previous one; `[]` makes a root."""
        steps = [
            {"id": "a", "job": job["id"]},
            {"id": "b", "job": job["id"], "depends_on": []},
            {"id": "c", "job": job["id"]},
            {"id": "d", "job": job["id"], "depends_on": ["a", "c", "a"]},
        ]
        pipeline = make_pipeline(server, steps)
        deps = {s["id"]: s["depends_on"] for s in pipeline["steps"]}
        assert deps == {"a": [], "b": [], "c": ["b"], "d": ["a", "c"]}

    def test_duplicate_name_is_a_conflict(self, server: ServerProcess, job: dict) -> None:
        """A second pipeline with a taken name is a 409; a job may share the name."""
        pipeline = make_pipeline(server, [{"id": "a", "job": job["id"]}])
        body = {"name": pipeline["name"], "steps": [{"id": "a", "job": job["id"]}]}
        assert_error(server.request("POST", "/pipelines", body), 409, "conflict")
        body["name"] = job["name"]
        assert server.request("POST", "/pipelines", body)[0] == 201


def cycle_in(message: str) -> list[str]:
    return message.split("cycle: ", 1)[1].rstrip(".").split(" -> ")


class TestValidation:
    def test_cycle_gives_its_path(self, server: ServerProcess, job: dict) -> None:
        """A cycle is a 400 whose message walks it, each link a declared dependency."""
        deps = {"x": ["z"], "y": ["x"], "z": ["y"], "w": []}
        steps = [{"id": s, "job": job["id"], "depends_on": d} for s, d in deps.items()]
        fields = assert_fields(
            server.request("POST", "/pipelines", {"name": unique(), "steps": steps}), "steps"
        )
        path = cycle_in(fields["steps"])
        assert path[0] == path[-1] and set(path) == {"x", "y", "z"}, path
        links = list(zip(path, path[1:], strict=False))
        assert all(b in deps[a] for a, b in links) or all(a in deps[b] for a, b in links), path

    def test_unknown_job_is_an_invalid_reference(self, server: ServerProcess, job: dict) -> None:
        """A step naming no job is a 422 that points at the step and names the job."""
        missing = unique("nojob")
        steps = [{"id": "a", "job": job["id"]}, {"id": "b", "job": missing}]
        answer = server.request("POST", "/pipelines", {"name": unique(), "steps": steps})
        details = assert_error(answer, 422, "invalid_reference")
        assert (
            set(details["fields"]) == {"steps[1].job"} and missing in answer[1]["error"]["message"]
        )

    def test_duplicate_step_id(self, server: ServerProcess, job: dict) -> None:
        """Two steps with one id are a 400 on the second one."""
        steps = [{"id": "a", "job": job["id"]}, {"id": "a", "job": job["id"]}]
        answer = server.request("POST", "/pipelines", {"name": unique(), "steps": steps})
        details = assert_error(answer, 400, "validation_error")
        assert "duplicate" in details["fields"]["steps[1].id"]

    @pytest.mark.parametrize(("depends_on", "problem"), [(["ghost"], "ghost"), (["a"], "itself")])
    def test_bad_dependency(
        self, server: ServerProcess, job: dict, depends_on: list, problem: str
    ) -> None:
        """Depending on an unknown step or on itself is a 400 on that step's `depends_on`."""
        steps = [{"id": "a", "job": job["id"], "depends_on": depends_on}]
        answer = server.request("POST", "/pipelines", {"name": unique(), "steps": steps})
        assert problem in assert_fields(answer, "steps[0].depends_on")["steps[0].depends_on"]

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"steps": []}, "steps"),
            ({"steps": "a"}, "steps"),
            ({"steps": [{"id": "a"}]}, "steps[0].job"),
            ({"steps": [{"id": "a b", "job": "x"}]}, "steps[0].id"),
            ({"steps": [{"id": "a", "job": "x", "after": []}]}, "steps[0]"),
            ({"steps": [{"id": "a", "job": "x", "depends_on": "b"}]}, "steps[0].depends_on"),
            ({"on_failure": "explode"}, "on_failure"),
            ({"max_attempts": 0}, "max_attempts"),
            ({"color": "red"}, "color"),
            ({"name": " padded "}, "name"),
        ],
    )
    def test_bad_fields(self, server: ServerProcess, job: dict, change: dict, field: str) -> None:
        """Each malformed field is a 400 naming exactly that field."""
        body = {"name": unique(), "steps": [{"id": "a", "job": job["id"]}], **change}
        assert_fields(server.request("POST", "/pipelines", body), field)

    def test_required_fields(self, server: ServerProcess) -> None:
        """Name and steps are required."""
        assert_fields(server.request("POST", "/pipelines", {}), "name", "steps")
