"""A PipelineRun alone: a fake Supervisor has a real Storage record the steps it launches; the
test plays the rest of the Supervisor's part (a step admitted, then ended)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

import pytest

from actors import messages as m
from actors.storage import StorageActor
from actors.supervisor.pipeline_run import PipelineRun
from orchestrator.models.fields import iso, now
from orchestrator.models.job import JobDefaults
from orchestrator.models.run import RunState
from orchestrator.runs.states import finish, move
from orchestrator.security.crypto import KeySource
from orchestrator.store.store import Store


@pytest.fixture
def storage(tmp_path: Path) -> Any:
    store = Store(tmp_path / "store.db", KeySource(None, tmp_path / "secret.key"))
    storage = StorageActor.start(store, JobDefaults())
    yield storage
    storage.stop()


def define(storage: Any, workdir: Path, steps: list[dict], **fields: Any) -> dict:
    """Step `x` runs the job `job-x`."""
    for step in steps:
        body = {"name": f"job-{step['id']}", "command": "true", "workdir": str(workdir)}
        storage.ask(m.Create("job", body, "tester"))
    body = {"name": "p", "steps": [{"job": f"job-{s['id']}", **s} for s in steps], **fields}
    return storage.ask(m.Create("pipeline", body, "tester"))


class Finished(NamedTuple):
    run: dict
    output: dict
    context: dict | None


class FakeSupervisor:
    """Has Storage record the steps launched (the test admits them) and keeps the end."""

    def __init__(self, storage: Any) -> None:
        self.storage = storage
        self.launched: list[tuple[dict, tuple]] = []  # (record, (step, job) pairs)
        self.runs: dict[str, dict] = {}  # step ID -> its latest job run
        self.ended: list[Finished] = []

    def launch_steps(self, pipeline: PipelineRun, record: dict, steps: list[dict]) -> None:
        pairs = tuple((step["id"], step["job_id"]) for step in steps)
        self.launched.append((record, pairs))
        for step_id, _, run, _ in self.storage.ask(m.CreateSteps(record, pairs)):
            self.runs[step_id] = run

    def pipeline_finished(self, run: dict, output: dict, context: dict | None) -> None:
        self.ended.append(Finished(run, output, context))


class Driven:
    """A recorded run's PipelineRun, started."""

    def __init__(self, storage: Any, pipeline: dict, **create: Any) -> None:
        self.storage, self.supervisor = storage, FakeSupervisor(storage)
        create = {"trigger": {"type": "api"}, **create}
        owner, self.run = storage.ask(m.CreateRun("pipeline", pipeline["id"], **create))
        self.pipeline = PipelineRun(self.run, owner, self.supervisor, storage)
        self.pipeline.start()

    def started(self) -> list[str]:
        return [step_id for _, pairs in self.supervisor.launched for step_id, _ in pairs]

    def finished(self) -> list[Finished]:
        return self.supervisor.ended

    def step(self, step_id: str, state: str = "succeeded", stdout: str = "") -> dict:
        """The Supervisor's part: the step's job run is admitted, ends, is reported."""
        run = self.supervisor.runs[step_id]
        self.pipeline.step_created(step_id, run["id"])
        self.pipeline.step_running(step_id, run["id"])
        running = move(run, RunState.RUNNING, started_at=iso(now()))
        final = finish(running, RunState(state), None, now())
        final.update(exit_code=int(state != "succeeded"), truncated=False)
        output = {"stdout": stdout, "stderr": "", "truncated": False}
        self.storage.ask(m.SaveRunResult(final, output, None))
        self.pipeline.step_finished(step_id, final, stdout)
        return final

    def run_steps(self) -> dict[str, dict]:
        stored = self.storage.ask(m.GetRun(self.run["id"]))
        return {step["id"]: step for step in stored["steps"]}

    def states(self) -> dict[str, str]:
        return {step_id: step["state"] for step_id, step in self.run_steps().items()}

    @property
    def final(self) -> dict:
        [done] = self.finished()
        return done.run


class TestDag:
    """Steps start as soon as everything they depend on succeeded, not before."""

    def test_a_linear_pipeline_advances_one_step_at_a_time(self, storage, tmp_path):
        """a → b → c: each StepFinished starts the next; the last ends the run succeeded."""
        pipeline = define(storage, tmp_path, [{"id": "a"}, {"id": "b"}, {"id": "c"}])
        driven = Driven(storage, pipeline, env={"X": "1"})
        assert driven.started() == ["a"] and driven.supervisor.launched[0][0]["env"] == {"X": "1"}
        assert driven.states() == {"a": "queued", "b": "pending", "c": "pending"}
        driven.step("a")
        assert driven.started() == ["a", "b"] and driven.finished() == []
        driven.step("b")
        driven.step("c", stdout="done")
        [done] = driven.finished()
        assert done.run["state"] == "succeeded" and done.output["stdout"] == "done"
        assert [step["state"] for step in done.run["steps"]] == ["succeeded"] * 3
        assert done.context["content"] == "done"

    def test_independent_steps_start_together_and_a_join_waits_for_both(self, storage, tmp_path):
        """a and b are roots and start at once; c, after both, starts after the second ends."""
        steps = [{"id": "a"}, {"id": "b", "depends_on": []}, {"id": "c", "depends_on": ["a", "b"]}]
        driven = Driven(storage, define(storage, tmp_path, steps))
        assert sorted(driven.started()) == ["a", "b"]
        driven.step("b")
        assert sorted(driven.started()) == ["a", "b"]
        driven.step("a")
        assert driven.started()[-1] == "c"
        driven.step("c")
        assert driven.final["state"] == "succeeded"

    def test_a_failed_step_is_tried_again_up_to_max_attempts(self, storage, tmp_path):
        """With max_attempts 2 a step that fails once is started again, then the next one."""
        pipeline = define(storage, tmp_path, [{"id": "a"}, {"id": "b"}], max_attempts=2)
        driven = Driven(storage, pipeline)
        driven.step("a", "failed")
        assert driven.started() == ["a", "a"] and driven.run_steps()["a"]["attempts"] == 2
        driven.step("a")
        driven.step("b")
        assert driven.final["state"] == "succeeded"


FORK = [
    {"id": "a"},
    {"id": "b", "depends_on": []},
    {"id": "c", "depends_on": ["a"]},
    {"id": "d", "depends_on": ["b"]},
]


class TestFailure:
    """A step that fails for good stops the pipeline, or only what depends on it."""

    def test_on_failure_stop_skips_everything_not_started(self, storage, tmp_path):
        """a fails while b runs: c and d never start; the run ends failed, naming a."""
        driven = Driven(storage, define(storage, tmp_path, FORK, on_failure="stop"))
        driven.step("a", "failed")
        assert driven.finished() == []  # b still runs
        driven.step("b")
        assert sorted(driven.started()) == ["a", "b"]
        final = driven.final
        states = {step["id"]: step["state"] for step in final["steps"]}
        assert states == {"a": "failed", "b": "succeeded", "c": "skipped", "d": "skipped"}
        assert final["state"] == "failed" and final["error"].startswith("Step 'a' ended failed")

    def test_on_failure_continue_runs_the_independent_steps(self, storage, tmp_path):
        """a fails: c (after a) is skipped, d (after b) still runs; the run ends failed."""
        driven = Driven(storage, define(storage, tmp_path, FORK, on_failure="continue"))
        driven.step("a", "failed")
        driven.step("b")
        assert driven.started()[-1] == "d"
        driven.step("d")
        states = {step["id"]: step["state"] for step in driven.final["steps"]}
        assert states == {"a": "failed", "b": "succeeded", "c": "skipped", "d": "succeeded"}
        assert driven.final["state"] == "failed"

    def test_a_step_whose_job_is_gone_fails_the_run_with_the_reason(self, storage, tmp_path):
        """The Supervisor's report of a step it could not create (no run) ends it failed."""
        driven = Driven(storage, define(storage, tmp_path, [{"id": "a"}, {"id": "b"}]))
        gone = {"id": None, "state": "failed", "exit_code": None, "error": "No such job."}
        driven.pipeline.step_finished("a", gone, "")
        assert driven.final["error"] == "Step 'a' ended failed: No such job."
        assert [step["state"] for step in driven.final["steps"]] == ["failed", "skipped"]


class TestCancel:
    """A cancel skips what has not started and ends the run once its running steps end."""

    @pytest.mark.parametrize(
        ("reason", "state"), [("cancelled", "cancelled"), ("interrupted", "interrupted")]
    )
    def test_a_cancel_skips_the_rest_and_marks_the_run(self, storage, tmp_path, reason, state):
        """b is skipped at once; the run ends when a reports, in the cancel's state."""
        driven = Driven(storage, define(storage, tmp_path, [{"id": "a"}, {"id": "b"}]))
        driven.pipeline.cancel(reason)
        assert driven.states()["b"] == "skipped" and driven.finished() == []
        driven.step("a", state)
        assert driven.final["state"] == state and driven.started() == ["a"]


class TestRetry:
    """A retry of a pipeline run keeps the steps that succeeded, with their contexts."""

    def test_a_retry_runs_only_the_steps_that_did_not_succeed(self, storage, tmp_path):
        """a succeeded, b failed: the retry starts b only and keeps a's run and output."""
        pipeline = define(storage, tmp_path, [{"id": "a"}, {"id": "b"}])
        first = Driven(storage, pipeline)
        kept = first.step("a", stdout="from a")
        first.step("b", "failed")
        done = first.finished()[0]
        storage.ask(m.SaveRunResult(done.run, done.output, done.context))
        trigger = {"type": "retry", "by": first.run["id"]}
        retry = Driven(storage, pipeline, trigger=trigger, retry_of=first.run["id"])
        assert retry.started() == ["b"]
        retry.step("b", stdout="from b")
        final = retry.finished()[0]
        assert final.run["state"] == "succeeded" and final.run["steps"][0]["run_id"] == kept["id"]
        [step_a, _] = final.context["steps"]
        assert step_a["context"]["content"] == "from a"
