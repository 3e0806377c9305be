"""Integration tests of API.md's Jobs section, part one: creating, validating, reading and listing
jobs on a real server over HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.api_helpers import (
    JOB_ID,
    assert_error,
    assert_fields,
    make_job,
    q,
    run_and_wait,
    unique,
    when,
)
from tests.support import ServerProcess

JOB_KEYS = {
    "id", "name", "command", "workdir", "timeout", "max_attempts", "retry_delay", "env",
    "secret_env", "description", "tags", "enabled", "max_concurrent", "max_output_bytes",
    "resources", "context_id", "created_at", "updated_at", "created_by", "state", "last_run_id",
    "next_run_at",
}  # fmt: skip


class TestCreateJob:
    def test_every_field_is_returned(self, server: ServerProcess, tmp_path: Path) -> None:
        """A job created with every field answers 201 with each value and the derived fields."""
        body = {
            "name": unique(),
            "command": "echo hello",
            "workdir": str(tmp_path),
            "timeout": 12.5,
            "max_attempts": 3,
            "retry_delay": 0.5,
            "env": {"A": "1"},
            "secret_env": {"TOKEN": "s3cret"},
            "description": "says hello",
            "tags": ["nightly", "demo"],
            "enabled": True,
            "max_concurrent": 2,
        }
        status, job = server.request("POST", "/jobs", body)
        assert status == 201, job
        assert set(job) == JOB_KEYS
        assert {k: job[k] for k in body if k != "secret_env"} == {
            k: v for k, v in body.items() if k != "secret_env"
        }
        assert job["secret_env"] == {"TOKEN": "***"}
        assert JOB_ID.match(job["id"]) and len(job["id"]) == 9
        assert job["context_id"] == "C" + job["id"]
        assert job["state"] == "never_run"
        assert job["last_run_id"] is None and job["next_run_at"] is None
        assert job["created_by"] == "admin"
        assert when(job["created_at"]) == when(job["updated_at"])

    def test_defaults_fill_what_is_left_out(self, server: ServerProcess, tmp_path: Path) -> None:
        """Only name, command and workdir given: every other field takes its documented default."""
        job = make_job(server, tmp_path)
        assert job["timeout"] == 3600.0
        assert job["max_attempts"] == 1
        assert job["retry_delay"] == 0.0
        assert job["env"] == {} and job["secret_env"] == {}
        assert job["description"] == "" and job["tags"] == []
        assert job["enabled"] is True and job["max_concurrent"] == 1
        assert job["context_id"].startswith("CJ")

    def test_duplicate_name_is_a_conflict(self, server: ServerProcess, tmp_path: Path) -> None:
        """A second job with a taken name answers 409 conflict and is not created."""
        job = make_job(server, tmp_path)
        body = {"name": job["name"], "command": "true", "workdir": str(tmp_path)}
        assert_error(server.request("POST", "/jobs", body), 409, "conflict")
        status, found = server.request("GET", f"/jobs?q={q(job['name'])}")
        assert status == 200 and found["total"] == 1


class TestJobValidation:
    def test_missing_required_fields(self, server: ServerProcess) -> None:
        """An empty object names each of the three required fields."""
        assert_fields(server.request("POST", "/jobs", {}), "name", "command", "workdir")

    @pytest.mark.parametrize(
        ("extra", "field"),
        [
            ({"workdir": "relative/dir"}, "workdir"),
            ({"timeout": 0}, "timeout"),
            ({"timeout": -5}, "timeout"),
            ({"timeout": "10"}, "timeout"),
            ({"max_attempts": 0}, "max_attempts"),
            ({"max_attempts": 1.5}, "max_attempts"),
            ({"retry_delay": -1}, "retry_delay"),
            ({"env": {"A": 1}}, "env"),
            ({"env": ["A=1"]}, "env"),
            ({"secret_env": {"A": None}}, "secret_env"),
            ({"tags": "nightly"}, "tags"),
            ({"enabled": "yes"}, "enabled"),
            ({"max_concurrent": 0}, "max_concurrent"),
            ({"name": ""}, "name"),
            ({"name": "x" * 101}, "name"),
            ({"colour": "blue"}, "colour"),
        ],
    )
    def test_bad_field_is_named(
        self, server: ServerProcess, tmp_path: Path, extra: dict, field: str
    ) -> None:
        """One bad value gives 400 validation_error naming exactly that field."""
        body = {"name": unique(), "command": "true", "workdir": str(tmp_path), **extra}
        assert_fields(server.request("POST", "/jobs", body), field)

    def test_every_problem_is_named_at_once(self, server: ServerProcess) -> None:
        """Several problems in one body are all listed in `details.fields`."""
        body = {"name": unique(), "command": "true", "workdir": "rel", "timeout": 0,
                "max_attempts": 0, "env": {"A": 2}, "unknown": 1}  # fmt: skip
        fields = assert_fields(
            server.request("POST", "/jobs", body),
            "workdir", "timeout", "max_attempts", "env", "unknown",
        )  # fmt: skip
        assert fields["unknown"] == "unknown field"


class TestGetJob:
    def test_by_id_any_case_and_by_name(self, server: ServerProcess, tmp_path: Path) -> None:
        """The same job comes back by its ID, its lower-case ID and its name."""
        job = make_job(server, tmp_path)
        for ref in (job["id"], job["id"].lower(), job["name"]):
            status, found = server.request("GET", f"/jobs/{q(ref)}")
            assert status == 200, found
            assert found == job

    def test_unknown_job_is_not_found(self, server: ServerProcess) -> None:
        """An unknown name and an unknown ID both answer 404 not_found."""
        assert_error(server.request("GET", f"/jobs/{unique()}"), 404, "not_found")
        assert_error(server.request("GET", "/jobs/J00000000"), 404, "not_found")


class TestListJobs:
    def test_tag_filter(self, server: ServerProcess, tmp_path: Path) -> None:
        """`tag` keeps only the jobs that carry it, and `total` counts them."""
        tag = unique("tag")
        tagged = [make_job(server, tmp_path, tags=[tag, "other"]) for _ in range(2)]
        make_job(server, tmp_path, tags=["other"])
        status, page = server.request("GET", f"/jobs?tag={tag}")
        assert status == 200
        assert [job["id"] for job in page["items"]] == [job["id"] for job in tagged]
        assert page["total"] == 2 and page["next_cursor"] is None

    def test_q_is_a_substring_of_the_name(self, server: ServerProcess, tmp_path: Path) -> None:
        """`q` matches part of a name, whatever the case."""
        marker = unique("q")
        job = make_job(server, tmp_path, name=f"report-{marker}-daily")
        make_job(server, tmp_path)
        status, page = server.request("GET", f"/jobs?q={marker.upper()}")
        assert status == 200
        assert [item["id"] for item in page["items"]] == [job["id"]]
        assert page["total"] == 1

    def test_state_filter(self, server: ServerProcess, tmp_path: Path) -> None:
        """`state` matches the state of each job's latest run, or `never_run`."""
        tag = unique("tag")
        ok = make_job(server, tmp_path, tags=[tag])
        bad = make_job(server, tmp_path, tags=[tag], command="exit 4")
        idle = make_job(server, tmp_path, tags=[tag])
        run_and_wait(server, ok["id"])
        run_and_wait(server, bad["id"])
        for state, expected in (("succeeded", ok), ("failed", bad), ("never_run", idle)):
            status, page = server.request("GET", f"/jobs?tag={tag}&state={state}")
            assert status == 200
            assert [item["id"] for item in page["items"]] == [expected["id"]], state
            assert page["items"][0]["state"] == state

    def test_paging_with_limit_and_cursor(self, server: ServerProcess, tmp_path: Path) -> None:
        """Pages of `limit` items follow `next_cursor` through every job exactly once."""
        tag = unique("tag")
        created = [make_job(server, tmp_path, tags=[tag])["id"] for _ in range(5)]
        seen: list[str] = []
        cursor = None
        for expected_size in (2, 2, 1):
            path = f"/jobs?tag={tag}&limit=2" + (f"&cursor={cursor}" if cursor else "")
            status, page = server.request("GET", path)
            assert status == 200
            assert page["total"] == 5
            assert len(page["items"]) == expected_size
            seen += [item["id"] for item in page["items"]]
            cursor = page["next_cursor"]
        assert cursor is None
        assert seen == created

    def test_list_items_are_full_jobs(self, server: ServerProcess, tmp_path: Path) -> None:
        """Each listed job has the same fields as `GET /jobs/{id}`."""
        job = make_job(server, tmp_path, tags=[tag := unique("tag")])
        status, page = server.request("GET", f"/jobs?tag={tag}")
        assert status == 200 and page["items"] == [job]
