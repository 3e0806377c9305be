"""Integration tests of API.md's Contexts section: a job's context before and after it runs, how to
address it, resetting it, and listing contexts."""

from __future__ import annotations

from pathlib import Path

from tests.api_helpers import assert_error, assert_fields, make_job, q, run_and_wait, unique
from tests.support import ServerProcess

CONTEXT_KEYS = {
    "id", "kind", "owner_id", "owner_name", "content", "run_id", "generated_at", "duration",
    "exit_code", "state", "attempts", "size", "truncated",
}  # fmt: skip
DETAILS = ("run_id", "generated_at", "duration", "exit_code", "state", "attempts")


def assert_empty(context: dict, job: dict) -> None:
    """The context of a job that never ran (or was reset): no content and null details."""
    assert set(context) == CONTEXT_KEYS
    assert (context["id"], context["kind"]) == (job["context_id"], "job")
    assert (context["owner_id"], context["owner_name"]) == (job["id"], job["name"])
    assert context["content"] == ""
    assert {name: context[name] for name in DETAILS} == dict.fromkeys(DETAILS)
    assert context["size"] == 0 and context["truncated"] is False


class TestReadContext:
    def test_never_run_context_is_empty(self, server: ServerProcess, tmp_path: Path) -> None:
        """A job that never ran has a context with empty content and null details."""
        job = make_job(server, tmp_path)
        status, context = server.request("GET", f"/contexts/{job['context_id']}")
        assert status == 200
        assert_empty(context, job)

    def test_context_after_a_run(self, server: ServerProcess, tmp_path: Path) -> None:
        """After a run the context holds its stdout and the details of that run."""
        job = make_job(server, tmp_path, command="echo héllo; echo noise >&2")
        run = run_and_wait(server, job["id"])
        status, context = server.request("GET", f"/contexts/{job['context_id']}")
        assert status == 200
        assert set(context) == CONTEXT_KEYS
        assert context["content"] == "héllo\n"
        assert context["run_id"] == run["id"]
        assert context["exit_code"] == 0 and context["state"] == "succeeded"
        assert context["attempts"] == 1
        assert context["duration"] == run["duration"]
        assert context["generated_at"] == run["finished_at"]
        assert context["size"] == len("héllo\n".encode())
        assert context["truncated"] is False

    def test_latest_run_wins(self, server: ServerProcess, tmp_path: Path) -> None:
        """A second run replaces the context, a failed one included, with its own stdout."""
        job = make_job(server, tmp_path, command='echo "$WORD"; exit "$CODE"')
        run_and_wait(server, job["id"], {"env": {"WORD": "first", "CODE": "0"}})
        run = run_and_wait(server, job["id"], {"env": {"WORD": "second", "CODE": "2"}})
        context = server.request("GET", f"/contexts/{job['id']}")[1]
        assert (context["content"], context["run_id"]) == ("second\n", run["id"])
        assert (context["state"], context["exit_code"]) == ("failed", 2)

    def test_addressed_by_context_id_job_id_and_name(
        self, server: ServerProcess, tmp_path: Path
    ) -> None:
        """The context answers to its CJ ID (any case), its job's ID and its job's name."""
        job = make_job(server, tmp_path, command="echo x")
        run_and_wait(server, job["id"])
        expected = server.request("GET", f"/contexts/{job['context_id']}")[1]
        assert expected["id"] == job["context_id"] and expected["content"] == "x\n"
        refs = (job["context_id"].lower(), job["id"], job["id"].lower(), job["name"])
        for ref in refs:
            assert server.request("GET", f"/contexts/{q(ref)}") == (200, expected), ref

    def test_unknown_context(self, server: ServerProcess) -> None:
        """A context nothing matches is a 404."""
        assert_error(server.request("GET", f"/contexts/{unique()}"), 404, "not_found")
        assert_error(server.request("GET", "/contexts/CJ00000000"), 404, "not_found")

    def test_deleted_job_has_no_context(self, server: ServerProcess, tmp_path: Path) -> None:
        """Deleting a job removes its context."""
        job = make_job(server, tmp_path, command="echo x")
        run_and_wait(server, job["id"])
        assert server.request("DELETE", f"/jobs/{job['id']}")[0] == 204
        assert_error(server.request("GET", f"/contexts/{job['context_id']}"), 404, "not_found")

    def test_renamed_job_keeps_its_context(self, server: ServerProcess, tmp_path: Path) -> None:
        """After a rename the context shows, and answers to, the new name."""
        job = make_job(server, tmp_path, command="echo x")
        run_and_wait(server, job["id"])
        new_name = unique()
        server.request("PATCH", f"/jobs/{job['id']}", {"name": new_name})
        status, context = server.request("GET", f"/contexts/{new_name}")
        assert status == 200
        assert (context["owner_name"], context["content"]) == (new_name, "x\n")


class TestResetContext:
    def test_post_reset_empties_it(self, server: ServerProcess, tmp_path: Path) -> None:
        """POST /contexts/{id}/reset answers 200 with the empty context, which stays empty."""
        job = make_job(server, tmp_path, command="echo x")
        run_and_wait(server, job["id"])
        status, context = server.request("POST", f"/contexts/{job['context_id']}/reset")
        assert status == 200
        assert_empty(context, job)
        assert_empty(server.request("GET", f"/contexts/{job['id']}")[1], job)

    def test_delete_is_a_reset(self, server: ServerProcess, tmp_path: Path) -> None:
        """DELETE /contexts/{id} (here by job name) empties the context the same way."""
        job = make_job(server, tmp_path, command="echo x")
        run_and_wait(server, job["id"])
        status, context = server.request("DELETE", f"/contexts/{job['name']}")
        assert status == 200
        assert_empty(context, job)
        assert_empty(server.request("GET", f"/contexts/{job['context_id']}")[1], job)

    def test_reset_keeps_the_run_history(self, server: ServerProcess, tmp_path: Path) -> None:
        """A reset empties the context only: the run and its output stay."""
        job = make_job(server, tmp_path, command="echo x")
        run = run_and_wait(server, job["id"])
        server.request("POST", f"/contexts/{job['id']}/reset")
        assert server.request("GET", f"/runs/{run['id']}")[1]["state"] == "succeeded"
        assert server.request("GET", f"/runs/{run['id']}/output")[1]["stdout"] == "x\n"

    def test_reset_unknown_context(self, server: ServerProcess) -> None:
        """Resetting a context nothing matches is a 404."""
        assert_error(server.request("POST", f"/contexts/{unique()}/reset"), 404, "not_found")


class TestListContexts:
    def test_list_holds_every_job_context(self, server: ServerProcess, tmp_path: Path) -> None:
        """GET /contexts lists one context per job, filled or empty, with `total`."""
        ran = make_job(server, tmp_path, command="echo listed")
        idle = make_job(server, tmp_path)
        run_and_wait(server, ran["id"])
        status, page = server.request("GET", "/contexts?limit=1000")
        assert status == 200
        assert page["total"] == len(page["items"]) and page["next_cursor"] is None
        found = {item["id"]: item for item in page["items"]}
        assert found[ran["context_id"]]["content"] == "listed\n"
        assert_empty(found[idle["context_id"]], idle)
        jobs = server.request("GET", "/jobs?limit=1000")[1]
        job_contexts = {key for key, item in found.items() if item["kind"] == "job"}
        assert job_contexts == {job["context_id"] for job in jobs["items"]}

    def test_kind_filter(self, server: ServerProcess, tmp_path: Path) -> None:
        """`kind=job` lists job contexts only; `kind=pipeline` no job context."""
        job = make_job(server, tmp_path)
        status, page = server.request("GET", "/contexts?kind=job&limit=1000")
        assert status == 200
        assert {item["kind"] for item in page["items"]} == {"job"}
        assert job["context_id"] in {item["id"] for item in page["items"]}
        status, page = server.request("GET", "/contexts?kind=pipeline&limit=1000")
        assert status == 200
        assert all(item["kind"] == "pipeline" for item in page["items"])

    def test_paging(self, server: ServerProcess, tmp_path: Path) -> None:
        """`limit` and `cursor` walk through the contexts without repeats."""
        make_job(server, tmp_path)
        make_job(server, tmp_path)
        total = server.request("GET", "/contexts?limit=1000")[1]["total"]
        seen: list[str] = []
        cursor = None
        while True:
            path = "/contexts?limit=1" + (f"&cursor={cursor}" if cursor else "")
            status, page = server.request("GET", path)
            assert status == 200 and page["total"] == total and len(page["items"]) == 1
            seen.append(page["items"][0]["id"])
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert len(seen) == len(set(seen)) == total

    def test_bad_kind(self, server: ServerProcess) -> None:
        """An unknown `kind` is a 400 naming the parameter."""
        assert_fields(server.request("GET", "/contexts?kind=schedule"), "kind")
