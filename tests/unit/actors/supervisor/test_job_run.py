"""A JobRun alone, as the Supervisor drives it: a fake executor runs its attempts, a fake clock
its retry delays, a real Storage on a temporary store resolves its `$$()` references."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from actors import messages as m
from actors.storage import StorageActor
from actors.supervisor.job_run import JobRun, RunSettings
from orchestrator.execution.model import AttemptResult
from orchestrator.models.job import JobDefaults
from orchestrator.security.crypto import KeySource
from orchestrator.store.store import Store
from tests.unit.actors.conftest import FakeClock, Recorder
from tests.unit.actors.supervisor.test_supervisor import T0, FakeExecutor


class Driven:
    """One JobRun with what it talks to: the Supervisor's inbox, the executor, its end."""

    def __init__(self, storage: Any, clock: FakeClock, tmp_path: Path, **fields: Any) -> None:
        body = {"name": "j", "command": "true", "workdir": str(tmp_path), **fields}
        self.job = storage.ask(m.Create("job", body, "tester"))
        _, run = storage.ask(m.CreateRun("job", self.job["id"], {"type": "api"}))
        self.supervisor = Recorder()
        self.executor = FakeExecutor()
        self.ends: list[tuple[dict, dict, dict | None]] = []
        settings = RunSettings(storage, clock, self.executor, 1024, 1.0)  # type: ignore[arg-type]
        self.job_run = JobRun(run, self.job, self.supervisor, settings, self._ended)

    def _ended(self, run: dict, output: dict, context: dict | None) -> None:
        self.ends.append((run, output, context))

    def end_attempt(self, outcome: str = "exited", code: int | None = 0, error: str = "") -> None:
        """The latest attempt ends; its AttemptDone, told to the Supervisor, is handed on."""
        _, handle, on_done, _ = self.executor.attempts[-1]
        if self.executor.outputs[-1] is not None:  # what the process printed, fed as it comes
            self.executor.outputs[-1].write("stdout", b"said")
        result = AttemptResult(outcome, code, "said", "", False, T0, T0, error or None)
        handle.finish(result, on_done)
        done = self.supervisor.told[-1]
        assert isinstance(done, m.AttemptDone) and done.run_id == self.job_run.run["id"]
        self.job_run.attempt_done(done.result)

    @property
    def final(self) -> dict:
        [(run, _, _)] = self.ends
        return run


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[Any]:
    store = Store(tmp_path / "store.db", KeySource(None, tmp_path / "secret.key"))
    storage = StorageActor.start(store, JobDefaults())
    yield storage
    storage.stop()


class TestAttempts:
    """Each attempt runs on the executor; its end decides between success, retry and failure."""

    def test_a_successful_attempt_ends_the_run_with_its_output_and_context(
        self, storage, clock, tmp_path
    ):
        """Exit code 0 ends the run succeeded, once, with the attempt's stdout as context."""
        driven = Driven(storage, clock, tmp_path, env={"A": "1"})
        driven.job_run.start()
        [(spec, _, _, _)] = driven.executor.attempts
        assert spec.command == "true" and spec.env["A"] == "1"
        assert spec.env["ORCH_RUN_ID"] == driven.job_run.run["id"]
        driven.end_attempt()
        run, output, context = driven.ends[0]
        assert (run["state"], run["exit_code"], len(run["attempts"])) == ("succeeded", 0, 1)
        assert output["stdout"] == "said" and context["content"] == "said"

    def test_the_process_start_is_saved_with_the_run(self, storage, clock, tmp_path):
        """AttemptStarted of the current attempt saves the running run with its process."""
        driven = Driven(storage, clock, tmp_path)
        driven.job_run.start()
        _, _, _, on_started = driven.executor.attempts[0]
        on_started({"pid": 42})
        started = driven.supervisor.told[-1]
        assert started == m.AttemptStarted(driven.job_run.run["id"], 1, {"pid": 42})
        driven.job_run.attempt_started(started.number, started.process)
        stored = storage.ask(m.GetRun(driven.job_run.run["id"]))
        assert (stored["state"], stored["process"]) == ("running", {"pid": 42})

    def test_a_failed_attempt_waits_for_the_clock_then_tries_again(self, storage, clock, tmp_path):
        """With max_attempts 2 and retry_delay 30, the retry is armed for 30 s, not run."""
        driven = Driven(storage, clock, tmp_path, max_attempts=2, retry_delay=30)
        driven.job_run.start()
        driven.end_attempt(code=1)
        assert driven.job_run.run["state"] == "retrying" and driven.ends == []
        [(delay, ref, message, _)] = clock.armed
        retry = m.RetryDue(driven.job_run.run["id"])
        assert (delay, ref, message) == (30, driven.supervisor, retry)
        assert len(driven.executor.attempts) == 1
        driven.job_run.retry_due()
        assert len(driven.executor.attempts) == 2
        driven.end_attempt()
        assert (driven.final["state"], len(driven.final["attempts"])) == ("succeeded", 2)

    def test_without_a_delay_the_retry_is_told_at_once(self, storage, clock, tmp_path):
        """retry_delay 0 tells RetryDue to the Supervisor directly, arming nothing."""
        driven = Driven(storage, clock, tmp_path, max_attempts=2, retry_delay=0)
        driven.job_run.start()
        driven.end_attempt(code=1)
        assert clock.armed == [] and driven.supervisor.told[-1] == m.RetryDue(
            driven.job_run.run["id"]
        )

    def test_the_last_failed_attempt_ends_the_run_failed(self, storage, clock, tmp_path):
        """With max_attempts 2, two failures end the run failed with the exit code."""
        driven = Driven(storage, clock, tmp_path, max_attempts=2, retry_delay=0)
        driven.job_run.start()
        driven.end_attempt(code=1)
        driven.job_run.retry_due()
        driven.end_attempt(code=3)
        final = driven.final
        assert (final["state"], final["exit_code"], len(final["attempts"])) == ("failed", 3, 2)
        assert final["error"] == "The command exited with code 3."

    def test_a_timed_out_attempt_ends_the_run_timed_out(self, storage, clock, tmp_path):
        """The executor's `timed_out` outcome becomes the run's state, with its message."""
        driven = Driven(storage, clock, tmp_path, timeout=5)
        driven.job_run.start()
        assert driven.executor.attempts[0][0].timeout == 5
        driven.end_attempt("timed_out", None, "The command ran longer than 5 seconds.")
        assert (driven.final["state"], driven.final["error"]) == (
            "timed_out",
            "The command ran longer than 5 seconds.",
        )


class TestCancel:
    """A cancel stops what runs and ends the run cancelled (or interrupted at shutdown)."""

    def test_a_cancel_during_an_attempt_kills_it_and_ends_on_its_report(
        self, storage, clock, tmp_path
    ):
        """The execution is cancelled; the run ends only when the attempt reports, cancelled."""
        driven = Driven(storage, clock, tmp_path)
        driven.job_run.start()
        driven.job_run.cancel()
        assert driven.executor.attempts[0][1].cancelled and driven.ends == []
        driven.end_attempt("cancelled", None)
        assert (driven.final["state"], driven.final["error"]) == (
            "cancelled",
            "The run was cancelled.",
        )

    def test_a_cancel_during_a_retry_delay_disarms_it_and_ends_at_once(
        self, storage, clock, tmp_path
    ):
        """The armed retry is cancelled on the clock; a late RetryDue starts nothing."""
        driven = Driven(storage, clock, tmp_path, max_attempts=3, retry_delay=60)
        driven.job_run.start()
        driven.end_attempt(code=1)
        token = clock.armed[0][3]
        driven.job_run.cancel()
        assert token in clock.cancelled and driven.final["state"] == "cancelled"
        driven.job_run.retry_due()
        assert len(driven.executor.attempts) == 1

    def test_an_interrupt_ends_the_run_interrupted(self, storage, clock, tmp_path):
        """A cancel for a shutdown ends the attempt's run `interrupted`, even if it failed."""
        driven = Driven(storage, clock, tmp_path, max_attempts=3)
        driven.job_run.start()
        driven.job_run.cancel("interrupted")
        driven.end_attempt(code=1)
        assert driven.final["state"] == "interrupted" and len(driven.executor.attempts) == 1


class TestReferences:
    """`$$(name)` in the command is resolved from Storage before the first attempt."""

    def test_a_reference_becomes_a_variable_holding_the_context(self, storage, clock, tmp_path):
        """The context's text goes in the environment and the command names the variable."""
        source = Driven(storage, clock, tmp_path)
        source.job_run.start()
        source.end_attempt()
        storage.ask(m.SaveRunResult(*source.ends[0]))
        driven = Driven(storage, clock, tmp_path, name="k", command='echo "$$(j)"')
        driven.job_run.start()
        [(spec, _, _, _)] = driven.executor.attempts
        assert spec.command == 'echo "${ORCH_CTX_1}"' and spec.env["ORCH_CTX_1"] == "said"

    def test_an_unknown_reference_fails_the_run_before_it_starts(self, storage, clock, tmp_path):
        """No attempt is made; the run ends failed with the reference named in the error."""
        driven = Driven(storage, clock, tmp_path, command="echo $$(nowhere)")
        driven.job_run.start()
        assert driven.executor.attempts == []
        run, output, context = driven.ends[0]
        assert (run["state"], run["attempts"], context) == ("failed", [], None)
        assert "$$(nowhere)" in run["error"] and run["duration"] == 0.0
