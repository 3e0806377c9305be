"""Integration tests of pipeline runs: data passed along a chain with `$$()`, parallel branches of
a DAG, the failure policies, step retries, and how each step's job run links back to its
pipeline run."""

from __future__ import annotations

from pathlib import Path

from tests.api_helpers import q, run_and_wait, when
from tests.pipeline_helpers import jobs_for, make_pipeline, run_pipeline, states, step_run, steps_of
from tests.support import ServerProcess

COUNTER = 'n=$(cat count 2>/dev/null || echo 0); n=$((n + 1)); echo $n > count; echo "try $n"'


def dag(jobs: dict[str, dict], **depends: list[str]) -> list[dict]:
    """Steps named like their jobs; a step left out of `depends` follows the previous one."""
    steps = []
    for step, job in jobs.items():
        entry = {"id": step, "job": job["id"]}
        if step in depends:
            entry["depends_on"] = depends[step]
        steps.append(entry)
    return steps


class TestChain:
    def test_data_flows_down_a_chain(self, server: ServerProcess, tmp_path: Path) -> None:
        """Each step reads the previous job's context; the final context is the last output."""
        first = jobs_for(server, tmp_path, one="printf alpha")
        two = jobs_for(server, tmp_path, two=f"printf '%s-beta' \"$$({first['one']['name']})\"")
        three = jobs_for(server, tmp_path, three=f"printf '%s-gamma' \"$$({two['two']['id']})\"")
        jobs = {**first, **two, **three}
        pipeline = make_pipeline(server, dag(jobs))
        run = run_pipeline(server, pipeline["name"])
        assert run["state"] == "succeeded" and run["error"] is None
        assert states(run) == dict.fromkeys(jobs, "succeeded")
        assert [s["attempts"] for s in run["steps"]] == [1, 1, 1]
        last = step_run(server, run, "three")
        assert server.request("GET", f"/runs/{last['id']}/output")[1]["stdout"] == (
            "alpha-beta-gamma"
        )
        context = server.request("GET", f"/contexts/{pipeline['context_id']}")[1]
        assert context["content"] == "alpha-beta-gamma" and context["run_id"] == run["id"]
        assert server.request("GET", f"/runs/{run['id']}/output")[1]["stdout"] == (
            "alpha-beta-gamma"
        )
        assert run["exit_code"] == 0
        runs = [step_run(server, run, step) for step in jobs]
        for before, after in zip(runs, runs[1:], strict=False):
            assert when(after["started_at"]) >= when(before["finished_at"])

    def test_job_reads_a_pipeline_context(self, server: ServerProcess, tmp_path: Path) -> None:
        """`$$()` takes a pipeline's name, ID or CP ID and reads its last step's output."""
        jobs = jobs_for(server, tmp_path, a="printf first", b="printf last")
        pipeline = make_pipeline(server, dag(jobs))
        run_pipeline(server, pipeline["id"])
        refs = (pipeline["name"], pipeline["id"], pipeline["context_id"])
        reader = jobs_for(server, tmp_path, r=" ".join(f'printf "[%s]" "$$({r})";' for r in refs))
        run = run_and_wait(server, reader["r"]["id"])
        assert run["state"] == "succeeded", run
        output = server.request("GET", f"/runs/{run['id']}/output")[1]["stdout"]
        assert output == "[last]" * 3


class TestParallel:
    def test_diamond_branches_overlap(self, server: ServerProcess, tmp_path: Path) -> None:
        """The two middle steps of a diamond run at the same time, between top and bottom."""
        jobs = jobs_for(
            server, tmp_path, top="true", left="sleep 1", right="sleep 1", bottom="true"
        )
        steps = dag(jobs, left=["top"], right=["top"], bottom=["left", "right"])
        run = run_pipeline(server, make_pipeline(server, steps)["id"])
        assert states(run) == dict.fromkeys(jobs, "succeeded")
        top, left, right, bottom = (step_run(server, run, step) for step in jobs)
        assert when(left["started_at"]) < when(right["finished_at"])
        assert when(right["started_at"]) < when(left["finished_at"])
        for middle in (left, right):
            assert when(middle["started_at"]) >= when(top["finished_at"])
            assert when(bottom["started_at"]) >= when(middle["finished_at"])
        assert run["duration"] < 1.9, run["duration"]


class TestFailurePolicies:
    def _shape(self, server: ServerProcess, tmp_path: Path) -> list[dict]:
        """Two branches: `bad` fails at once and has two dependents; `slow` succeeds later."""
        jobs = jobs_for(
            server,
            tmp_path,
            bad="echo broken; exit 3",
            after_bad="echo never",
            after_that="echo never",
            slow="sleep 0.4; echo slow",
            after_slow="echo tail",
        )
        return dag(jobs, slow=[])

    def test_stop_skips_everything_not_started(self, server: ServerProcess, tmp_path: Path) -> None:
        """`stop`: the running branch finishes, every step not started is skipped."""
        pipeline = make_pipeline(server, self._shape(server, tmp_path), on_failure="stop")
        run = run_pipeline(server, pipeline["id"])
        assert run["state"] == "failed" and "bad" in run["error"]
        assert states(run) == {
            "bad": "failed",
            "after_bad": "skipped",
            "after_that": "skipped",
            "slow": "succeeded",
            "after_slow": "skipped",
        }
        skipped = [s for s in run["steps"] if s["state"] == "skipped"]
        assert all(s["run_id"] is None and s["attempts"] == 0 for s in skipped)
        assert step_run(server, run, "bad")["exit_code"] == 3

    def test_continue_runs_independent_steps(self, server: ServerProcess, tmp_path: Path) -> None:
        """`continue`: only the failed step's dependents are skipped; the run still fails."""
        pipeline = make_pipeline(server, self._shape(server, tmp_path), on_failure="continue")
        run = run_pipeline(server, pipeline["id"])
        assert run["state"] == "failed" and "bad" in run["error"]
        assert states(run) == {
            "bad": "failed",
            "after_bad": "skipped",
            "after_that": "skipped",
            "slow": "succeeded",
            "after_slow": "succeeded",
        }
        context = server.request("GET", f"/contexts/{pipeline['id']}")[1]
        assert (context["content"], context["state"]) == ("tail\n", "failed")


class TestStepRetries:
    def test_max_attempts_reruns_a_failed_step(self, server: ServerProcess, tmp_path: Path) -> None:
        """`max_attempts: 2`: a step that fails once runs again as a new job run, then succeeds."""
        jobs = jobs_for(server, tmp_path, flaky=COUNTER + '; [ "$n" -ge 2 ]', next="echo done")
        run = run_pipeline(server, make_pipeline(server, dag(jobs), max_attempts=2)["id"])
        assert run["state"] == "succeeded"
        assert [s["attempts"] for s in run["steps"]] == [2, 1]
        assert (tmp_path / "count").read_text().strip() == "2"
        history = server.request("GET", f"/runs?owner={jobs['flaky']['id']}")[1]["items"]
        assert [r["state"] for r in history] == ["succeeded", "failed"]
        assert {r["pipeline_run_id"] for r in history} == {run["id"]}
        assert steps_of(run)["flaky"]["run_id"] == history[0]["id"]

    def test_step_failing_every_time(self, server: ServerProcess, tmp_path: Path) -> None:
        """A step that always fails is tried `max_attempts` times, then the run fails."""
        jobs = jobs_for(server, tmp_path, bad="exit 1", next="true")
        run = run_pipeline(server, make_pipeline(server, dag(jobs), max_attempts=3)["id"])
        assert run["state"] == "failed"
        assert steps_of(run)["bad"]["attempts"] == 3 and states(run)["next"] == "skipped"
        assert server.request("GET", f"/runs?owner={jobs['bad']['id']}")[1]["total"] == 3


class TestLinks:
    def test_step_runs_point_at_their_pipeline_run(
        self, server: ServerProcess, tmp_path: Path
    ) -> None:
        """Each step's job run carries `pipeline_run_id` and a `pipeline` trigger by that run."""
        jobs = jobs_for(server, tmp_path, a="echo a", b="echo b")
        pipeline = make_pipeline(server, dag(jobs, b=[]))
        run = run_pipeline(server, pipeline["id"])
        assert (run["kind"], run["owner_id"], run["pipeline_run_id"]) == (
            "pipeline",
            pipeline["id"],
            None,
        )
        for step in jobs:
            child = step_run(server, run, step)
            assert (child["kind"], child["owner_id"]) == ("job", jobs[step]["id"])
            assert child["pipeline_run_id"] == run["id"]
            assert child["trigger"] == {"type": "pipeline", "by": run["id"]}
        page = server.request("GET", f"/runs?owner={q(pipeline['name'])}&kind=pipeline")[1]
        assert [r["id"] for r in page["items"]] == [run["id"]]
        shown = server.request("GET", f"/pipelines/{pipeline['id']}")[1]
        assert (shown["state"], shown["last_run_id"]) == ("succeeded", run["id"])
