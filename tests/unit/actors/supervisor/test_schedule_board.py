"""The Supervisor's ScheduleBoard alone: a real Storage on a temporary store, a fake clock for
the Timekeeper, and a small stand-in for the Supervisor it runs on (its backlog, begin, admit)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from actors import messages as m
from actors.base import DEFERRED
from actors.storage import StorageActor
from actors.supervisor.schedule_board import ScheduleBoard
from orchestrator.errors import NotFound
from orchestrator.models.job import JobDefaults
from orchestrator.runs.backlog import Backlog, TooManyRuns
from orchestrator.security.crypto import KeySource
from orchestrator.store.store import Store
from tests.unit.actors.conftest import FakeClock, Recorder

DUE = "2026-01-01T01:00:00Z"


class Inbox(Recorder):
    """The Supervisor's ref: keeps what it is told (from Storage's thread) and signals it."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived = threading.Event()

    def tell(self, message: Any) -> None:
        super().tell(message)
        self.arrived.set()


class Answer:
    """The reply slot of a fire's asker: keeps the value or the error it is given."""

    def __init__(self) -> None:
        self.value: Any = None
        self.error: BaseException | None = None

    def set(self, value: Any = None) -> None:
        self.value = value

    def set_exception(self, exc_info: Any) -> None:
        self.error = exc_info[1]


class FakeSupervisor:
    """What the board uses of the Supervisor: its ref, its backlog, begin and admit."""

    def __init__(self, limit: int = 10) -> None:
        self.actor_ref = Inbox()
        self.reply_to: Answer | None = None
        self.accepting = True
        self.interrupted: list[str] = []
        self.backlog = Backlog(limit)
        self.begun: list[tuple[dict, bool]] = []
        self.admitted = 0

    def begin(self, run: dict, owner: dict, admit: bool = True) -> None:
        self.begun.append((run, admit))

    def admit_queued(self) -> None:
        self.admitted += 1

    def save_final(self, run: dict, state: str, error: str) -> dict:
        self.interrupted.append(run["id"])
        return {**run, "state": state, "error": error}


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[Any]:
    store = Store(tmp_path / "store.db", KeySource(None, tmp_path / "secret.key"))
    storage = StorageActor.start(store, JobDefaults())
    body = {"name": "j", "command": "true", "workdir": str(tmp_path)}
    storage.ask(m.Create("job", body, "tester"))
    yield storage
    storage.stop()


def make_schedule(storage: Any, name: str = "hourly", **fields: Any) -> dict:
    body = {"name": name, "cron": "0 * * * *", "targets": ["j"], **fields}
    return storage.ask(m.Create("schedule", body, "tester"))


class SignallingClock(FakeClock):
    """The fake clock, telling the test when a wake-up is cancelled (on the actor's thread)."""

    def __init__(self) -> None:
        super().__init__()
        self.a_cancel = threading.Event()

    def cancel(self, token: int) -> None:
        super().cancel(token)
        self.a_cancel.set()


def board_of(storage: Any, clock: FakeClock, limit: int = 10) -> tuple[ScheduleBoard, Any]:
    supervisor = FakeSupervisor(limit)
    return ScheduleBoard(supervisor, storage, clock), supervisor


def fire(board: ScheduleBoard, supervisor: FakeSupervisor, *args: Any, **kwargs: Any) -> Any:
    """Fire as the Supervisor does: Storage records the fire and tells the Supervisor, which
    hands the message back to the board; answers what the fire's asker is given."""
    supervisor.reply_to = answer = Answer()
    direct = board.fire(*args, **kwargs)
    if direct is not DEFERRED:
        return direct
    assert supervisor.actor_ref.arrived.wait(10)
    [message] = supervisor.actor_ref.told
    assert isinstance(message, m.ScheduleFired)
    board.fired(message)
    if answer.error is not None:
        raise answer.error
    return answer.value


def live(clock: FakeClock) -> int:
    return len([entry for entry in clock.armed if entry[3] not in clock.cancelled])


class TestActors:
    """One Schedule actor per enabled schedule, started, re-armed or stopped on change."""

    def test_start_all_starts_one_actor_per_enabled_schedule(self, storage, clock):
        """Two schedules, one paused: one actor, one wake-up armed."""
        make_schedule(storage)
        paused = make_schedule(storage, "paused")
        storage.ask(m.SetEnabled(paused["id"], False))
        board, _ = board_of(storage, clock)
        assert board.start_all() == 1 and paused["id"] not in board.actors
        [actor] = board.actors.values()
        actor.ask("settle")
        assert live(clock) == 1

    def test_a_pause_stops_the_actor_and_its_wake_up(self, storage):
        """changed() of a schedule now paused stops its actor, which cancels its wake-up."""
        schedule, clock = make_schedule(storage), SignallingClock()
        board, _ = board_of(storage, clock)
        board.changed(schedule["id"])  # created: an actor starts
        actor = board.actors[schedule["id"]]
        actor.ask("settle")
        storage.ask(m.SetEnabled(schedule["id"], False))
        board.changed(schedule["id"])
        assert board.actors == {}
        assert clock.a_cancel.wait(10) and live(clock) == 0

    def test_a_change_reconfigures_the_running_actor(self, storage, clock):
        """A new cron re-arms the same actor: the old wake-up is cancelled, one is live."""
        schedule = make_schedule(storage)
        board, _ = board_of(storage, clock)
        board.start_all()
        actor = board.actors[schedule["id"]]
        body = {"cron": "0 6 * * *"}
        storage.ask(m.Update("schedule", schedule["id"], body, True, "tester"))
        board.changed(schedule["id"])
        actor.ask("settle")
        assert board.actors[schedule["id"]] is actor and len(clock.cancelled) == 1
        assert live(clock) == 1


class TestFire:
    """A fire creates every target's run with its due time, or is skipped or refused."""

    def test_a_fire_creates_the_runs_and_hands_them_to_the_supervisor(self, storage, clock):
        """The job's run is recorded for the due time, begun without admission, then admitted."""
        schedule = make_schedule(storage)
        board, supervisor = board_of(storage, clock)
        marks = {"checkpoint": DUE}
        answer = fire(board, supervisor, schedule["id"], DUE, manual=False, marks=marks)
        [run] = answer["runs"]
        assert run["scheduled_for"] == DUE and supervisor.begun == [(run, False)]
        assert supervisor.admitted == 1 and answer["skipped"] == []

    def test_a_full_backlog_skips_a_scheduled_fire_but_keeps_its_checkpoint(self, storage, clock):
        """No run is created; the checkpoint is still saved, so a restart does not fire it."""
        schedule = make_schedule(storage)
        board, supervisor = board_of(storage, clock, limit=0)
        answer = fire(
            board, supervisor, schedule["id"], DUE, manual=False, marks={"checkpoint": DUE}
        )
        assert answer == {"runs": [], "skipped": []} and supervisor.begun == []
        assert storage.ask(m.ListRuns(kind="job"))["items"] == []
        [(_, marks)] = storage.ask(m.SchedulesToStart(schedule["id"]))
        assert marks["checkpoint"] == DUE and supervisor.backlog.refused == 1

    def test_a_full_backlog_refuses_a_manual_fire(self, storage, clock):
        """A fire by hand gets the 429 error instead."""
        schedule = make_schedule(storage)
        board, supervisor = board_of(storage, clock, limit=0)
        with pytest.raises(TooManyRuns):
            fire(board, supervisor, schedule["id"], None, manual=True)

    def test_a_schedule_deleted_before_its_fire_launches_nothing(self, storage, clock):
        """The scheduled fire of a deleted schedule answers no runs instead of failing."""
        schedule = make_schedule(storage)
        storage.ask(m.Delete("schedule", schedule["id"], False))
        board, supervisor = board_of(storage, clock)
        answer = fire(board, supervisor, schedule["id"], DUE, manual=False)
        assert answer == {"runs": [], "skipped": []}
        assert supervisor.begun == []

    def test_a_manual_fire_of_a_deleted_schedule_answers_not_found(self, storage, clock):
        """By hand, the same fire is refused with the store's 404 error, told to the asker."""
        schedule = make_schedule(storage)
        storage.ask(m.Delete("schedule", schedule["id"], False))
        board, supervisor = board_of(storage, clock)
        with pytest.raises(NotFound):
            fire(board, supervisor, schedule["id"], None, manual=True)
        assert supervisor.begun == []

    def test_the_supervisor_does_not_wait_for_the_store(self, storage, clock):
        """fire() hands the fire to Storage and returns at once; the runs come by message."""
        schedule = make_schedule(storage)
        board, supervisor = board_of(storage, clock)
        supervisor.reply_to = Answer()
        assert board.fire(schedule["id"], DUE, manual=False) is DEFERRED
        assert supervisor.begun == []
        assert supervisor.actor_ref.arrived.wait(10)

    def test_runs_recorded_after_the_stop_began_are_interrupted(self, storage, clock):
        """A fire whose runs Storage recorded while the server began to stop: they are ended
        `interrupted` instead of queued, so none is left waiting."""
        schedule = make_schedule(storage)
        board, supervisor = board_of(storage, clock)
        supervisor.reply_to = Answer()
        assert board.fire(schedule["id"], DUE, manual=False) is DEFERRED
        supervisor.accepting = False
        assert supervisor.actor_ref.arrived.wait(10)
        [message] = supervisor.actor_ref.told
        board.fired(message)
        [run] = message.value[0]
        assert supervisor.begun == [] and supervisor.interrupted == [run[1]["id"]]
