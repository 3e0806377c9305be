"""Placement and where runs ran, through the REST API of a real server: a job's `resources`,
the worker each attempt records, and `GET /system/workers` with the local executor."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.api_helpers import assert_error, assert_fields, make_job, run_and_wait
from tests.security_helpers import add_account
from tests.support import ServerProcess


class TestJobResources:
    """A job names the worker resources it needs; bad names and amounts are a 400."""

    def test_resources_are_stored_and_default_to_none(
        self, server: ServerProcess, tmp_path: Path
    ) -> None:
        assert make_job(server, tmp_path)["resources"] == {}
        job = make_job(server, tmp_path, resources={"gpu": 1, "mem.GB": 2.5})
        assert job["resources"] == {"gpu": 1, "mem.GB": 2.5}
        assert server.request("GET", f"/jobs/{job['id']}")[1]["resources"] == job["resources"]

    def test_a_patch_replaces_the_set(self, server: ServerProcess, tmp_path: Path) -> None:
        job = make_job(server, tmp_path, resources={"gpu": 1})
        status, patched = server.request("PATCH", f"/jobs/{job['id']}", {"resources": {"ssd": 1}})
        assert status == 200, patched
        assert patched["resources"] == {"ssd": 1}
        status, patched = server.request("PATCH", f"/jobs/{job['id']}", {"description": "x"})
        assert patched["resources"] == {"ssd": 1}

    @pytest.mark.parametrize(
        "resources",
        [
            {"gpu": 0},
            {"gpu": -1},
            {"gpu": "1"},
            {"gpu": True},
            {"gpu": None},
            {"9gpu": 1},
            {"g pu": 1},
            {"": 1},
            {"x" * 65: 1},
            {"gpu": 1e10},
            ["gpu"],
            "gpu=1",
            {f"r{i}": 1 for i in range(33)},
        ],
    )
    def test_bad_resources_are_refused(
        self, server: ServerProcess, tmp_path: Path, resources: object
    ) -> None:
        body = {"name": "never-made", "command": "true", "workdir": str(tmp_path)}
        fields = assert_fields(
            server.request("POST", "/jobs", {**body, "resources": resources}), "resources"
        )
        assert "resource" in fields["resources"] or "number" in fields["resources"]
        assert server.request("GET", "/jobs/never-made")[0] == 404

    def test_export_and_import_keep_resources(self, server: ServerProcess, tmp_path: Path) -> None:
        job = make_job(server, tmp_path, resources={"gpu": 2})
        status, doc = server.request("GET", "/config/export")
        assert status == 200, doc
        [exported] = [item for item in doc["jobs"] if item["id"] == job["id"]]
        assert exported["resources"] == {"gpu": 2}
        assert server.request("DELETE", f"/jobs/{job['id']}?force=true")[0] == 204
        status, answer = server.request("POST", "/config/import", {"jobs": [exported]})
        assert status == 200, answer
        assert server.request("GET", f"/jobs/{job['id']}")[1]["resources"] == {"gpu": 2}

    def test_an_import_with_bad_resources_is_refused(self, server: ServerProcess) -> None:
        job = {"id": "J0000RES1", "name": "bad-res", "command": "true", "workdir": "/tmp"}
        answer = server.request(
            "POST", "/config/import", {"jobs": [{**job, "resources": {"gpu": 0}}]}
        )
        assert_error(answer, 400, "validation_error")
        assert server.request("GET", "/jobs/J0000RES1")[0] == 404


class TestWhereItRan:
    """Every attempt records its worker; the local executor names this machine."""

    def test_a_local_attempt_records_the_local_worker(
        self, server: ServerProcess, tmp_path: Path
    ) -> None:
        job = make_job(server, tmp_path, command="echo hi")
        run = run_and_wait(server, job["id"])
        assert run["state"] == "succeeded", run
        [attempt] = run["attempts"]
        assert attempt["worker"] == {"name": "local", "host": socket.gethostname()}

    def test_an_attempt_that_could_not_start_names_the_worker_too(
        self, server: ServerProcess, tmp_path: Path
    ) -> None:
        job = make_job(server, tmp_path / "missing")
        run = run_and_wait(server, job["id"])
        assert run["state"] == "failed", run
        assert run["attempts"][0]["worker"]["name"] == "local"


class TestSystemWorkers:
    """`GET /system/workers` says which executor runs the attempts; readers may read it."""

    def test_the_local_executor_has_no_cluster(self, server: ServerProcess) -> None:
        reader = add_account(server, "reader")
        status, doc = server.request("GET", "/system/workers", key=reader.key)
        assert status == 200, doc
        assert doc == {"executor": "local", "scheduler": None, "reachable": True, "items": []}

    def test_it_needs_a_key(self, server: ServerProcess) -> None:
        assert_error(server.request("GET", "/system/workers", key=None), 401, "unauthorized")
