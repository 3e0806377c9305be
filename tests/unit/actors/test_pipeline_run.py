"""A PipelineRun actor alone: a recorder is its Supervisor (receives StartStep, PipelineFinished),
the test answers for it (StepStarted, StepFinished), a real Storage keeps the runs."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pykka
import pytest

from actors import messages as m
from actors.pipeline_run import PipelineRunActor
from actors.storage import StorageActor
from orchestrator.models.fields import iso, now
from orchestrator.models.job import JobDefaults
from orchestrator.models.run import RunState
from orchestrator.runs.states import finish, move
from orchestrator.security.crypto import KeySource
from orchestrator.store.store import Store
from tests.unit.actors.conftest import Recorder


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[Any]:
    store = Store(tmp_path / "store.db", KeySource(None, tmp_path / "secret.key"))
    storage = StorageActor.start(store, JobDefaults())
    yield storage
    storage.stop()


def define(storage: Any, workdir: Path, steps: list[dict], **fields: Any) -> dict:
    """A pipeline whose step `x` runs the job `job-x` (each made here)."""
    for step in steps:
        body = {"name": f"job-{step['id']}", "command": "true", "workdir": str(workdir)}
        storage.ask(m.Create("job", body, "tester"))
    body = {"name": "p", "steps": [{"job": f"job-{s['id']}", **s} for s in steps], **fields}
    return storage.ask(m.Create("pipeline", body, "tester"))


class Driven:
    """One PipelineRun actor of a recorded run, started, with the fake Supervisor's inbox."""

    def __init__(self, storage: Any, pipeline: dict, **create: Any) -> None:
        self.storage, self.supervisor = storage, Recorder()
        create = {"trigger": {"type": "api"}, **create}
        owner, self.run = storage.ask(m.CreateRun("pipeline", pipeline["id"], **create))
        self.ref = PipelineRunActor.start(self.run, owner, self.supervisor, storage)
        self.ref.tell(m.Start())
        self.settle()

    def settle(self) -> None:
        """Returns once the actor handled everything told before (or stopped, having ended)."""
        with contextlib.suppress(pykka.ActorDeadError):
            self.ref.ask("settle", timeout=10)

    def started(self) -> list[str]:
        """The steps it asked the Supervisor to start, in order."""
        return [msg.step_id for msg in self.supervisor.told if isinstance(msg, m.StartStep)]

    def finished(self) -> list[m.PipelineFinished]:
        return [msg for msg in self.supervisor.told if isinstance(msg, m.PipelineFinished)]

    def step(self, step_id: str, state: str = "succeeded", stdout: str = "") -> dict:
        """The Supervisor's part: record the step's job run, start it, end it, report it."""
        assert step_id in self.started()
        job_id = self.run_steps()[step_id]["job_id"]
        trigger = {"type": "pipeline", "by": self.run["id"]}
        message = m.CreateRun("job", job_id, trigger, pipeline_run_id=self.run["id"])
        _, run = self.storage.ask(message)
        self.ref.tell(m.StepStarted(step_id, run["id"], RunState.RUNNING))
        running = move(run, RunState.RUNNING, started_at=iso(now()))
        final = finish(running, RunState(state), None, now())
        final.update(exit_code=int(state != "succeeded"), truncated=False)
        output = {"stdout": stdout, "stderr": "", "truncated": False}
        self.storage.ask(m.SaveRunResult(final, output, None))
        self.ref.tell(m.StepFinished(step_id, final, stdout))
        self.settle()
        return final

    def run_steps(self) -> dict[str, dict]:
        """The steps of the pipeline run as stored now."""
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
        assert driven.started() == ["a"] and driven.supervisor.told[0].env == {"X": "1"}
        assert driven.states() == {"a": "queued", "b": "pending", "c": "pending"}
        driven.step("a")
        assert driven.started() == ["a", "b"] and driven.finished() == []
        driven.step("b")
        driven.step("c", stdout="done")
        [done] = driven.finished()
        assert done.run["state"] == "succeeded" and done.output["stdout"] == "done"
        assert [step["state"] for step in done.run["steps"]] == ["succeeded"] * 3
        assert done.context["content"] == "done" and not driven.ref.is_alive()

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
        driven.ref.tell(m.StepFinished("a", gone, ""))
        driven.settle()
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
        driven.ref.tell(m.Cancel(reason))
        driven.settle()
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
