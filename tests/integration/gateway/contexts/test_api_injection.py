"""Integration tests of `$$(name)` safety: context text is data, never shell code, whether a job
or a pipeline step reads it; a reference that matches nothing, or matches a job and a pipeline
at once, fails the run before anything executes."""

from __future__ import annotations

from pathlib import Path

from tests.api_helpers import assert_error, make_job, q, run_and_wait, unique
from tests.pipeline_helpers import make_pipeline, run_pipeline, states
from tests.support import ServerProcess

# Shell syntax that would create files if it were ever parsed as code; `$$(...)` inside the
# text must not be substituted again either.
PAYLOAD = (
    "; touch pwned\n"
    "$(touch pwned2)\n"
    "`touch pwned3`\n"
    "'single' \"double\" && touch pwned4 | cat & touch pwned5\n"
    "${HOME} %PATH% !PATH! $$(nope) \\ end"
)


def output(server: ServerProcess, run: dict) -> str:
    return server.request("GET", f"/runs/{run['id']}/output")[1]["stdout"]


def producer(server: ServerProcess, workdir: Path) -> dict:
    """A job whose context is PAYLOAD (it reaches the command through the environment)."""
    job = make_job(server, workdir, command='printf "%s" "$PAYLOAD"', env={"PAYLOAD": PAYLOAD})
    assert run_and_wait(server, job["id"])["state"] == "succeeded"
    assert server.request("GET", f"/contexts/{job['id']}")[1]["content"] == PAYLOAD
    return job


class TestContextIsData:
    def test_job_prints_the_text_literally(self, server: ServerProcess, tmp_path: Path) -> None:
        """Quoted or not, a context full of shell syntax is printed, not executed."""
        source = producer(server, tmp_path)
        command = (
            f'printf "%s" "$$({source["name"]})"; printf "#SPLIT#"; printf "%s " $$({source["id"]})'
        )
        reader = make_job(server, tmp_path, command=command)
        run = run_and_wait(server, reader["id"])
        assert run["state"] == "succeeded", run
        quoted, unquoted = output(server, run).split("#SPLIT#")
        assert quoted == PAYLOAD
        assert unquoted == "".join(word + " " for word in PAYLOAD.split())
        assert sorted(p.name for p in tmp_path.iterdir()) == []

    def test_pipeline_step_prints_the_text_literally(
        self, server: ServerProcess, tmp_path: Path
    ) -> None:
        """A pipeline step reading the context prints it too, and it becomes the final context."""
        source = producer(server, tmp_path)
        reader = make_job(server, tmp_path, command=f'printf "%s" "$$({source["context_id"]})"')
        steps = [{"id": "make", "job": source["id"]}, {"id": "read", "job": reader["id"]}]
        pipeline = make_pipeline(server, steps)
        run = run_pipeline(server, pipeline["id"])
        assert run["state"] == "succeeded", run
        assert server.request("GET", f"/contexts/{pipeline['id']}")[1]["content"] == PAYLOAD
        assert list(tmp_path.iterdir()) == []


class TestBadReferences:
    def test_unknown_reference_fails_before_start(
        self, server: ServerProcess, tmp_path: Path
    ) -> None:
        """`$$(nope)` fails the run with an error naming `nope`; the command never runs."""
        job = make_job(server, tmp_path, command="touch ran; echo $$(nope)")
        run = run_and_wait(server, job["id"])
        assert run["state"] == "failed"
        assert "nope" in run["error"]
        assert run["attempts"] == [] and run["started_at"] is None and run["exit_code"] is None
        assert not (tmp_path / "ran").exists()

    def test_unknown_reference_in_a_step(self, server: ServerProcess, tmp_path: Path) -> None:
        """In a pipeline, such a step fails and the steps after it are skipped."""
        bad = make_job(server, tmp_path, command="touch ran; echo $$(nope)")
        after = make_job(server, tmp_path, command="touch after")
        steps = [{"id": "bad", "job": bad["id"]}, {"id": "after", "job": after["id"]}]
        run = run_pipeline(server, make_pipeline(server, steps)["id"])
        assert run["state"] == "failed"
        assert states(run) == {"bad": "failed", "after": "skipped"}
        failed = server.request("GET", f"/runs/{run['steps'][0]['run_id']}")[1]
        assert "nope" in failed["error"] and failed["attempts"] == []
        assert list(tmp_path.iterdir()) == []

    def test_ambiguous_name(self, server: ServerProcess, tmp_path: Path) -> None:
        """A name that is both a job's and a pipeline's fails the run; IDs tell them apart."""
        name = unique("twin")
        job = make_job(server, tmp_path, name=name, command="printf job")
        pipeline = make_pipeline(server, [{"id": "a", "job": job["id"]}], name=name)
        run_pipeline(server, pipeline["id"])
        ambiguous = make_job(server, tmp_path, command=f"touch ran; echo $$({name})")
        run = run_and_wait(server, ambiguous["id"])
        assert run["state"] == "failed" and name in run["error"] and run["attempts"] == []
        assert not (tmp_path / "ran").exists()
        clear = make_job(server, tmp_path, command=f"echo $$({job['id']})-$$({pipeline['id']})")
        assert output(server, run_and_wait(server, clear["id"])) == "job-job\n"
        assert_error(server.request("GET", f"/contexts/{q(name)}"), 409, "conflict")
        assert_error(server.request("GET", f"/runs?owner={q(name)}"), 409, "conflict")
