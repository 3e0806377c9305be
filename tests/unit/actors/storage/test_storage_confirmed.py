"""Storage's CONFIRMED asks (a pipeline step's job runs): written with what is pending, in one
commit, and answered only once that commit succeeded."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pykka
import pytest

from actors import messages as m
from actors.storage import StorageActor
from orchestrator.models.job import JobDefaults
from orchestrator.security.crypto import KeySource
from orchestrator.store.store import Store
from tests.unit.actors.conftest import FakeClock

OUTPUT = {"stdout": "a\n", "stderr": "", "truncated": False}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store(tmp_path / "store.db", KeySource(None, tmp_path / "secret.key"))
    yield store
    store.close()


def pipeline_run(actor: StorageActor, workdir: Path) -> tuple[dict, dict]:
    """A job `j`, a pipeline of steps a → b running it, and a recorded run of the pipeline."""
    body = {"name": "j", "command": "true", "workdir": str(workdir)}
    job = actor.on_receive(m.Create("job", body, "tester"))
    steps = [{"id": "a", "job": "j"}, {"id": "b", "job": "j"}]
    pipeline = actor.on_receive(m.Create("pipeline", {"name": "p", "steps": steps}, "tester"))
    _, run = actor.on_receive(m.CreateRun("pipeline", pipeline["id"], {"type": "api"}))
    return job, run


def started(actor: StorageActor) -> Any:
    """Run the actor's loop on what its inbox holds (and whatever comes later)."""
    pykka.ActorRegistry.register(actor.actor_ref)
    actor._start_actor_loop()
    return actor.actor_ref


class TestConfirmedAsk:
    """A step's creation costs no commit of its own, and is never answered before it is on disk."""

    def test_a_step_is_created_in_the_commit_that_ends_the_previous(self, store, tmp_path):
        """The previous step's end and the next step's run: one commit, then the answer, with
        the pipeline run's record linked to the new run."""
        actor = StorageActor(store, JobDefaults())
        job, run = pipeline_run(actor, tmp_path)
        _, first = actor.on_receive(m.CreateRun("job", job["id"], {"type": "pipeline"}))
        ended = {**first, "state": "succeeded", "finished_at": first["created_at"]}
        record = {**run, "state": "running"}
        record["steps"][1].update(state="queued", attempts=1)
        before = store.tables.commits
        actor.actor_ref.tell(m.SaveRunResult(ended, OUTPUT, None))
        answer = actor.actor_ref.ask(m.CreateSteps(record, (("b", job["id"]),)), block=False)
        started(actor)
        [(step_id, owner, created, error)] = answer.get(timeout=30)
        assert (step_id, owner["id"], error) == ("b", job["id"], None)
        assert store.tables.commits == before + 1
        on_disk = store.tables["runs"].db
        assert on_disk.get(first["id"])["state"] == "succeeded"
        assert on_disk.get(created["id"])["pipeline_run_id"] == run["id"]
        assert on_disk.get(run["id"])["steps"][1]["run_id"] == created["id"]

    def test_the_previous_steps_end_rides_with_the_creation(self, store, tmp_path):
        """`CreateSteps(ended=...)`: the previous step's end and the next step's run in one
        message and one commit, and the step dicts the Supervisor shares are left unchanged."""
        actor = StorageActor(store, JobDefaults())
        job, run = pipeline_run(actor, tmp_path)
        _, first = actor.on_receive(m.CreateRun("job", job["id"], {"type": "pipeline"}))
        ended = {**first, "state": "succeeded", "finished_at": first["created_at"]}
        steps = [dict(step) for step in run["steps"]]
        steps[1] = {**steps[1], "state": "queued", "attempts": 1}
        shared = steps[1]
        record = {**run, "state": "running", "steps": steps}
        before = store.tables.commits
        message = m.CreateSteps(
            record, (("b", job["id"]),), ended=m.SaveRunResult(ended, OUTPUT, None)
        )
        [(_, _, created, error)] = started(actor).ask(message)
        assert error is None and store.tables.commits == before + 1
        on_disk = store.tables["runs"].db
        assert on_disk.get(first["id"])["state"] == "succeeded"
        assert store.runs.output(first["id"])["stdout"] == OUTPUT["stdout"]
        assert on_disk.get(run["id"])["steps"][1]["run_id"] == created["id"]
        assert shared["run_id"] is None  # replaced in the record's list, not changed in place

    def test_a_step_whose_job_is_gone_gets_the_reason_and_the_others_a_run(self, store, tmp_path):
        """One step names a job that does not exist: it gets the error, the other its run."""
        actor = StorageActor(store, JobDefaults())
        job, run = pipeline_run(actor, tmp_path)
        pairs = (("a", job["id"]), ("b", "JNOSUCHJOB"))
        ref = started(actor)
        [(_, _, created, none), (_, _, nothing, reason)] = ref.ask(m.CreateSteps(run, pairs))
        assert created["owner_id"] == job["id"] and none is None
        assert nothing is None and "JNOSUCHJOB" in reason

    def test_a_failed_commit_keeps_the_step_and_answers_once_written(self, store, tmp_path):
        """The disk fails: no answer, the writes stay pending; the retry writes them, then the
        answer comes."""
        clock = FakeClock()
        actor = StorageActor(store, JobDefaults(), clock=clock)
        job, run = pipeline_run(actor, tmp_path)
        working = store.tables.flush

        def failing() -> int:
            raise sqlite3.OperationalError("disk I/O error")

        store.tables.flush = failing
        ref = started(actor)
        answer = ref.ask(m.CreateSteps(run, (("a", job["id"]),)), block=False)
        ref.ask(m.GetRun(run["id"]))  # handled after the failed commit
        with pytest.raises(pykka.Timeout):
            answer.get(timeout=0)
        assert [type(message) for _, _, message, _ in clock.armed] == [m.Flush]
        store.tables.flush = working
        clock.fire()  # the retry
        [(_, _, created, _)] = answer.get(timeout=30)
        assert store.tables["runs"].db.get(created["id"])["state"] == "queued"
