"""The Supervisor alone, with a real Storage on a temporary store, a fake clock and a fake
executor: every run is requested, started, retried, cancelled and ended through it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from actors import messages as m
from actors.storage import StorageActor
from actors.supervisor import SupervisorActor
from actors.supervisor.job_run import RunSettings
from orchestrator.execution.handle import Execution
from orchestrator.models.job import JobDefaults
from orchestrator.security.crypto import KeySource
from orchestrator.store.store import Store
from tests.unit.actors.conftest import FakeClock

T0 = datetime(2024, 1, 1, tzinfo=UTC)


class FakeExecutor:
    """Keeps each attempt; the test says when its process runs and how it ends."""

    def __init__(self) -> None:
        self.attempts: list[tuple[Any, Execution, Any, Any]] = []
        self.outputs: list[Any] = []

    def start(
        self, spec: Any, on_done: Any, on_started: Any = None, output: Any = None
    ) -> Execution:
        handle = Execution()
        self.attempts.append((spec, handle, on_done, on_started))
        self.outputs.append(output)
        return handle

    def end(self, index: int, outcome: str = "exited", code: int | None = 0) -> None:
        from orchestrator.execution.model import AttemptResult

        _, handle, on_done, on_started = self.attempts[index]
        on_started({"pid": 1})
        if self.outputs[index] is not None:  # what the process printed, as the executor feeds it
            self.outputs[index].write("stdout", f"out {index}".encode())
        result = AttemptResult(outcome, code, f"out {index}", "", False, T0, T0)
        handle.finish(result, on_done)


@pytest.fixture
def system(tmp_path: Path, clock: FakeClock) -> Iterator[tuple[Any, Any, FakeExecutor]]:
    store = Store(tmp_path / "store.db", KeySource(None, tmp_path / "secret.key"))
    storage = StorageActor.start(store, JobDefaults())
    executor = FakeExecutor()
    settings = RunSettings(storage, clock, executor, 1024, 1.0)  # type: ignore[arg-type]
    supervisor = SupervisorActor.start(settings, 4)
    yield supervisor, storage, executor
    supervisor.stop()
    storage.stop()


def job(storage: Any, tmp_path: Path, **fields: Any) -> dict:
    body = {"name": "j", "command": "true", "workdir": str(tmp_path), **fields}
    return storage.ask(m.Create("job", body, "tester"))


def settled(supervisor: Any, storage: Any, run_id: str) -> dict:
    """The run as stored once the Supervisor handled everything told to it so far."""
    supervisor.ask(m.Stats())  # its writes to Storage were sent before this answer
    return storage.ask(m.GetRun(run_id))


class TestSupervisorRuns:
    """A run's life goes through the Supervisor from request to final record."""

    def test_a_requested_run_is_recorded_started_and_ended(self, system, tmp_path, clock):
        """RequestRun answers the queued run; its attempt's end is written as succeeded."""
        supervisor, storage, executor = system
        owner = job(storage, tmp_path)
        run = supervisor.ask(m.RequestRun(m.CreateRun("job", owner["id"], {"type": "api"})))
        assert run["state"] == "queued"
        settled(supervisor, storage, run["id"])
        assert len(executor.attempts) == 1
        executor.end(0)
        final = settled(supervisor, storage, run["id"])
        assert (final["state"], final["exit_code"], len(final["attempts"])) == ("succeeded", 0, 1)

    def test_a_failed_attempt_is_retried_when_the_clock_says(self, system, tmp_path, clock):
        """With max_attempts 2 and a delay, the retry waits for the clock, then succeeds."""
        supervisor, storage, executor = system
        owner = job(storage, tmp_path, max_attempts=2, retry_delay=30)
        run = supervisor.ask(m.RequestRun(m.CreateRun("job", owner["id"], {"type": "api"})))
        settled(supervisor, storage, run["id"])
        executor.end(0, code=1)
        assert settled(supervisor, storage, run["id"])["state"] == "retrying"
        assert len(executor.attempts) == 1
        assert clock.fire() == 1
        settled(supervisor, storage, run["id"])
        executor.end(1)
        final = settled(supervisor, storage, run["id"])
        assert (final["state"], len(final["attempts"])) == ("succeeded", 2)

    def test_a_cancel_stops_the_process_and_ends_the_run_cancelled(self, system, tmp_path):
        """CancelRun cancels the attempt's execution; its end is written as cancelled."""
        supervisor, storage, executor = system
        owner = job(storage, tmp_path)
        run = supervisor.ask(m.RequestRun(m.CreateRun("job", owner["id"], {"type": "api"})))
        settled(supervisor, storage, run["id"])
        supervisor.ask(m.CancelRun(run["id"]))
        assert executor.attempts[0][1].cancelled
        executor.end(0, outcome="cancelled", code=None)
        assert settled(supervisor, storage, run["id"])["state"] == "cancelled"

    def test_a_refused_request_answers_the_error_and_starts_nothing(self, system, tmp_path):
        """A disabled job's run is refused by Storage; the asker gets the Conflict."""
        supervisor, storage, executor = system
        owner = job(storage, tmp_path, enabled=False)
        with pytest.raises(Exception, match="disabled"):
            supervisor.ask(m.RequestRun(m.CreateRun("job", owner["id"], {"type": "api"})))
        assert supervisor.ask(m.Stats())["running"] == 0 and executor.attempts == []
