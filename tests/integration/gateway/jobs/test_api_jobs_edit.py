"""Integration tests of API.md's Jobs section, part two: replacing, patching, deleting and copying
jobs, and the rule that a disabled job does not run."""

from __future__ import annotations

from pathlib import Path

from tests.api_helpers import assert_error, assert_fields, make_job, run_and_wait, unique, when
from tests.support import ServerProcess


class TestReplaceJob:
    def test_put_replaces_everything(self, server: ServerProcess, tmp_path: Path) -> None:
        """PUT with only the required fields resets the others to their defaults."""
        job = make_job(server, tmp_path, description="old", tags=["a"], env={"A": "1"}, timeout=9)
        body = {"name": unique(), "command": "echo new", "workdir": str(tmp_path)}
        status, new = server.request("PUT", f"/jobs/{job['id']}", body)
        assert status == 200, new
        assert new["id"] == job["id"] and new["created_at"] == job["created_at"]
        assert (new["name"], new["command"]) == (body["name"], "echo new")
        assert new["description"] == "" and new["tags"] == [] and new["env"] == {}
        assert new["timeout"] == 3600.0
        assert when(new["updated_at"]) >= when(job["updated_at"])
        assert server.request("GET", f"/jobs/{job['id']}") == (200, new)

    def test_put_needs_the_required_fields(self, server: ServerProcess, tmp_path: Path) -> None:
        """PUT without command and workdir is a 400 naming both, and changes nothing."""
        job = make_job(server, tmp_path)
        answer = server.request("PUT", f"/jobs/{job['id']}", {"name": job["name"]})
        assert_fields(answer, "command", "workdir")
        assert server.request("GET", f"/jobs/{job['id']}") == (200, job)

    def test_put_unknown_job(self, server: ServerProcess, tmp_path: Path) -> None:
        """PUT on a job that does not exist is a 404."""
        body = {"name": unique(), "command": "true", "workdir": str(tmp_path)}
        assert_error(server.request("PUT", f"/jobs/{unique()}", body), 404, "not_found")


class TestPatchJob:
    def test_patch_changes_only_what_is_sent(self, server: ServerProcess, tmp_path: Path) -> None:
        """PATCH one field: that field changes, every other one stays."""
        job = make_job(server, tmp_path, description="keep", tags=["t"], env={"A": "1"})
        status, new = server.request("PATCH", f"/jobs/{job['id']}", {"timeout": 5})
        assert status == 200, new
        assert new["timeout"] == 5.0
        unchanged = {k: v for k, v in job.items() if k not in ("timeout", "updated_at")}
        assert {k: new[k] for k in unchanged} == unchanged

    def test_rename(self, server: ServerProcess, tmp_path: Path) -> None:
        """A renamed job is found by its new name; the old name is free again."""
        job = make_job(server, tmp_path)
        new_name = unique()
        status, new = server.request("PATCH", f"/jobs/{job['name']}", {"name": new_name})
        assert status == 200 and new["name"] == new_name
        assert server.request("GET", f"/jobs/{new_name}")[1]["id"] == job["id"]
        assert_error(server.request("GET", f"/jobs/{job['name']}"), 404, "not_found")
        make_job(server, tmp_path, name=job["name"])

    def test_rename_onto_taken_name(self, server: ServerProcess, tmp_path: Path) -> None:
        """Renaming onto another job's name is a 409 and leaves both jobs as they were."""
        first, second = make_job(server, tmp_path), make_job(server, tmp_path)
        answer = server.request("PATCH", f"/jobs/{second['id']}", {"name": first["name"]})
        assert_error(answer, 409, "conflict")
        assert server.request("GET", f"/jobs/{second['id']}") == (200, second)
        assert server.request("GET", f"/jobs/{first['name']}")[1]["id"] == first["id"]

    def test_patch_bad_value(self, server: ServerProcess, tmp_path: Path) -> None:
        """PATCH with invalid values names them and changes nothing."""
        job = make_job(server, tmp_path)
        body = {"max_attempts": 0, "workdir": "here", "nope": True}
        assert_fields(server.request("PATCH", f"/jobs/{job['id']}", body),
                      "max_attempts", "workdir", "nope")  # fmt: skip
        assert server.request("GET", f"/jobs/{job['id']}") == (200, job)


class TestDeleteJob:
    def test_delete_then_gone(self, server: ServerProcess, tmp_path: Path) -> None:
        """DELETE answers 204 with no body; afterwards the job and a second delete are 404."""
        job = make_job(server, tmp_path)
        assert server.request("DELETE", f"/jobs/{job['id']}") == (204, None)
        assert_error(server.request("GET", f"/jobs/{job['id']}"), 404, "not_found")
        assert_error(server.request("DELETE", f"/jobs/{job['id']}"), 404, "not_found")

    def test_delete_by_name_frees_the_name(self, server: ServerProcess, tmp_path: Path) -> None:
        """A job deleted by name can be created again with the same name."""
        job = make_job(server, tmp_path)
        assert server.request("DELETE", f"/jobs/{job['name']}")[0] == 204
        assert make_job(server, tmp_path, name=job["name"])["id"] != job["id"]


class TestCopyJob:
    def test_default_name(self, server: ServerProcess, tmp_path: Path) -> None:
        """A copy without a body is named `<name>-copy` and has the source's definition."""
        job = make_job(server, tmp_path, command="echo x", tags=["t"], env={"A": "1"})
        run_and_wait(server, job["id"])
        status, copy = server.request("POST", f"/jobs/{job['id']}/copy")
        assert status == 201, copy
        assert copy["name"] == f"{job['name']}-copy"
        assert copy["id"] != job["id"] and copy["context_id"] == "C" + copy["id"]
        for field in ("command", "workdir", "tags", "env", "timeout", "max_attempts"):
            assert copy[field] == job[field], field
        assert copy["state"] == "never_run" and copy["last_run_id"] is None

    def test_explicit_name_and_conflict(self, server: ServerProcess, tmp_path: Path) -> None:
        """`{"name": ...}` names the copy; a taken name, default or explicit, is a 409."""
        job = make_job(server, tmp_path)
        name = unique()
        status, copy = server.request("POST", f"/jobs/{job['name']}/copy", {"name": name})
        assert status == 201 and copy["name"] == name
        answer = server.request("POST", f"/jobs/{job['id']}/copy", {"name": name})
        assert_error(answer, 409, "conflict")
        assert server.request("POST", f"/jobs/{job['id']}/copy")[0] == 201
        assert_error(server.request("POST", f"/jobs/{job['id']}/copy"), 409, "conflict")

    def test_copy_unknown_job(self, server: ServerProcess) -> None:
        """Copying a job that does not exist is a 404."""
        assert_error(server.request("POST", f"/jobs/{unique()}/copy"), 404, "not_found")


class TestDisabledJob:
    def test_disabled_job_does_not_run(self, server: ServerProcess, tmp_path: Path) -> None:
        """Running a disabled job is a 409 and records no run."""
        job = make_job(server, tmp_path, enabled=False)
        assert_error(server.request("POST", f"/jobs/{job['id']}/run"), 409, "conflict")
        status, runs = server.request("GET", f"/runs?owner={job['id']}")
        assert status == 200 and runs["total"] == 0
        assert server.request("GET", f"/jobs/{job['id']}")[1]["state"] == "never_run"
