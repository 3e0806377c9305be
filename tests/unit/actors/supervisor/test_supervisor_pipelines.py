"""Pipeline runs through the Supervisor alone (real Storage, fake executor and clock): each step
is recorded before its process starts, admitted under the limits, and the run ends once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from actors import messages as m
from actors.storage import StorageActor
from actors.supervisor import SupervisorActor
from actors.supervisor.job_run import RunSettings
from orchestrator.models.job import JobDefaults
from orchestrator.security.crypto import KeySource
from orchestrator.store.store import Store
from tests.unit.actors.conftest import FakeClock
from tests.unit.actors.supervisor.test_supervisor import FakeExecutor, job


class CheckingExecutor(FakeExecutor):
    """Notes, for each attempt, whether its run was already committed when it was started."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.committed: list[bool] = []

    def start(self, spec: Any, on_done: Any, on_started: Any = None, output: Any = None) -> Any:
        on_disk = self.store.tables["runs"].db.get(spec.env["ORCH_RUN_ID"])  # read from the file
        self.committed.append(on_disk is not None)
        return super().start(spec, on_done, on_started, output)


@pytest.fixture
def make(tmp_path: Path, clock: FakeClock) -> Iterator[Any]:
    started: list[Any] = []

    def build(limit: int) -> tuple[Any, Any, CheckingExecutor]:
        store = Store(tmp_path / "store.db", KeySource(None, tmp_path / "secret.key"))
        storage = StorageActor.start(store, JobDefaults())
        executor = CheckingExecutor(store)
        settings = RunSettings(storage, clock, executor, 1024, 1.0)  # type: ignore[arg-type]
        supervisor = SupervisorActor.start(settings, limit)
        started.extend([supervisor, storage])
        return supervisor, storage, executor

    yield build
    for ref in started:
        ref.stop()


def until(check: Any, supervisor: Any) -> None:
    """Poll (a step's creation comes back from Storage on its own) until `check()` holds."""
    deadline = time.monotonic() + 30
    while not check():
        assert time.monotonic() < deadline, "timed out"
        supervisor.ask(m.Stats())


def pipeline(storage: Any, tmp_path: Path, steps: list[dict], **fields: Any) -> dict:
    job(storage, tmp_path)
    body = {"name": "p", "steps": [{"job": "j", **step} for step in steps], **fields}
    return storage.ask(m.Create("pipeline", body, "tester"))


def request(supervisor: Any, pipeline_id: str) -> dict:
    return supervisor.ask(m.RequestRun(m.CreateRun("pipeline", pipeline_id, {"type": "api"})))


class TestPipelineSteps:
    """The Supervisor drives the step DAG itself and starts no step before its run is stored."""

    def test_a_linear_pipeline_runs_each_step_once_its_run_is_committed(self, make, tmp_path):
        """a → b → c: three attempts one after the other, each run on disk before its start."""
        supervisor, storage, executor = make(4)
        owner = pipeline(storage, tmp_path, [{"id": "a"}, {"id": "b"}, {"id": "c"}])
        run = request(supervisor, owner["id"])
        for index in range(3):
            until(lambda i=index: len(executor.attempts) == i + 1, supervisor)
            executor.end(index)
        until(lambda: storage.ask(m.GetRun(run["id"]))["state"] == "succeeded", supervisor)
        final = storage.ask(m.GetRun(run["id"]))
        assert [step["state"] for step in final["steps"]] == ["succeeded"] * 3
        assert executor.committed == [True, True, True]
        assert supervisor.ask(m.Stats())["pipelines"] == 0

    def test_steps_started_together_wait_for_the_global_limit(self, make, tmp_path):
        """Two independent steps under a limit of one: the second starts after the first."""
        supervisor, storage, executor = make(1)
        owner = pipeline(storage, tmp_path, [{"id": "a"}, {"id": "b", "depends_on": []}])
        run = request(supervisor, owner["id"])
        until(lambda: len(executor.attempts) == 1, supervisor)
        assert supervisor.ask(m.Stats())["queued"] == 1
        executor.end(0)
        until(lambda: len(executor.attempts) == 2, supervisor)
        executor.end(1)
        until(lambda: storage.ask(m.GetRun(run["id"]))["state"] == "succeeded", supervisor)

    def test_a_cancel_ends_the_running_step_and_skips_the_rest(self, make, tmp_path):
        """Cancelled while a runs: a's process is stopped, b never starts, the run is cancelled."""
        supervisor, storage, executor = make(4)
        owner = pipeline(storage, tmp_path, [{"id": "a"}, {"id": "b"}])
        run = request(supervisor, owner["id"])
        until(lambda: len(executor.attempts) == 1, supervisor)
        supervisor.ask(m.CancelRun(run["id"]))
        assert executor.attempts[0][1].cancelled
        executor.end(0, outcome="cancelled", code=None)
        until(lambda: storage.ask(m.GetRun(run["id"]))["state"] == "cancelled", supervisor)
        states = [step["state"] for step in storage.ask(m.GetRun(run["id"]))["steps"]]
        assert states == ["cancelled", "skipped"] and len(executor.attempts) == 1
