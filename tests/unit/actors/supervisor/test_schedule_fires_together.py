"""Fires due at the same time: each Schedule announces its fire FIRE_LEAD ahead, the board holds
them and has them all recorded at the due time in one Storage message. A real Storage on a
temporary store, fake clocks (the wall clock and the Timekeeper), the board's stand-in
Supervisor; no sleeps."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from actors import messages as m
from actors.base import DEFERRED
from actors.schedule import FIRE_LEAD
from actors.supervisor.schedule_board import ScheduleBoard
from orchestrator.models.fields import iso
from tests.unit.actors.conftest import FakeClock
from tests.unit.actors.supervisor import test_schedule_board as board_tests
from tests.unit.actors.supervisor.test_schedule_board import FakeSupervisor, make_schedule
from tests.unit.actors.test_schedule import Harness, Wall, at, schedule

DUE = iso(at(1))
storage = board_tests.storage  # the fixture: a Storage actor on a temporary store


class WhenClock(FakeClock):
    """The fake Timekeeper, keeping also when each wake-up was asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.whens: list[Any] = []

    def wake_at(self, when: Any, ref: Any, message: Any) -> int:
        self.whens.append(when)
        return super().wake_at(when, ref, message)


class Stub:
    """A Schedule actor's ref as the board keeps it: only stopped."""

    def stop(self, block: bool = True) -> None:
        pass


class Board:
    """A board whose wall clock stands one second before 01:00, with schedules of its own."""

    def __init__(self, storage: Any, limit: int = 10) -> None:
        self.storage, self.wall, self.clock = storage, Wall(at(1) - FIRE_LEAD), WhenClock()
        self.supervisor = FakeSupervisor(limit)
        self.board = ScheduleBoard(self.supervisor, storage, self.clock, self.wall)

    def schedule(self, name: str) -> str:
        job = {"name": f"job-{name}", "command": "true", "workdir": "/"}
        self.storage.ask(m.Create("job", job, "tester"))
        schedule_id = make_schedule(self.storage, name, targets=[job["name"]])["id"]
        self.board.actors[schedule_id] = Stub()  # as if its actor were running
        return schedule_id

    def announce(self, schedule_id: str, due: str = DUE) -> Any:
        return self.board.fire(schedule_id, due, False, {"checkpoint": due})

    def release(self, late: timedelta = timedelta(milliseconds=4)) -> list[Any]:
        """The wake-up comes `late` after 01:00: what the Supervisor is told back."""
        [(_, _, message, _)] = self.clock.armed
        self.wall.when = at(1) + late
        self.board.handle(message)
        # Storage handles its inbox in order: once this is answered, the fires were recorded
        # and their answer told to the Supervisor (on Storage's thread, before it goes on).
        self.storage.ask(m.SchedulesToStart())
        told = list(self.supervisor.actor_ref.told)
        for message in told:
            self.board.handle(message)
        return told

    def runs(self) -> list[dict]:
        return self.storage.ask(m.ListRuns(kind="job"))["items"]


def marks_of(storage: Any, schedule_id: str) -> dict:
    [(_, marks)] = storage.ask(m.SchedulesToStart(schedule_id))
    return marks


class TestHeldUntilDue:
    """A fire announced before its time is held, then recorded with the others due then."""

    def test_fires_announced_ahead_wait_for_one_wake_up_at_their_due_time(self, storage):
        """Two announcements: nothing recorded yet, one wake-up armed, at 01:00 exactly."""
        board = Board(storage)
        first, second = board.schedule("a"), board.schedule("b")
        assert board.announce(first) is None and board.announce(second) is None
        assert board.runs() == []
        assert board.clock.whens == [at(1).timestamp()]
        [(_, ref, message, _)] = board.clock.armed
        assert ref is board.supervisor.actor_ref and message == m.FiresDue(at(1).timestamp())

    def test_at_the_due_time_all_are_recorded_in_one_message(self, storage):
        """One SchedulesFired comes back; each run is begun, admission runs once, and each
        schedule's marks say when the fire was launched."""
        board = Board(storage)
        first, second = board.schedule("a"), board.schedule("b")
        board.announce(first), board.announce(second)
        [told] = board.release()
        assert isinstance(told, m.SchedulesFired) and told.error is None
        runs = board.runs()
        assert sorted(run["trigger"]["by"] for run in runs) == sorted([first, second])
        assert {run["scheduled_for"] for run in runs} == {DUE}
        assert len(board.supervisor.begun) == 2 and board.supervisor.admitted == 1
        launched = iso(at(1) + timedelta(milliseconds=4))
        marks = marks_of(storage, first)
        assert (marks["checkpoint"], marks["last_fired_at"]) == (DUE, launched)

    def test_a_withdrawn_fire_is_left_out(self, storage):
        """A schedule reconfigured before 01:00 withdraws its fire; the other still fires."""
        board = Board(storage)
        first, second = board.schedule("a"), board.schedule("b")
        board.announce(first), board.announce(second)
        board.board.handle(m.WithdrawFire(first, DUE))
        board.release()
        assert [run["trigger"]["by"] for run in board.runs()] == [second]

    def test_a_paused_schedule_loses_its_held_fire(self, storage):
        """changed() of a schedule now paused drops its fire: nothing is recorded at 01:00."""
        board = Board(storage)
        paused = board.schedule("a")
        board.announce(paused)
        storage.ask(m.SetEnabled(paused, False))
        board.board.changed(paused)
        assert board.release() == [] and board.runs() == []

    def test_a_schedule_deleted_meanwhile_is_left_out(self, storage):
        """Storage answers NotFound for the deleted one and records the other."""
        board = Board(storage)
        gone, kept = board.schedule("a"), board.schedule("b")
        board.announce(gone), board.announce(kept)
        storage.ask(m.Delete("schedule", gone, False))
        [told] = board.release()
        assert [run["trigger"]["by"] for run in board.runs()] == [kept]
        assert len(board.supervisor.begun) == 1 and told.error is None

    def test_a_fire_launched_once_is_never_launched_again(self, storage):
        """The same due time announced again after it was launched is dropped."""
        board = Board(storage)
        schedule_id = board.schedule("a")
        board.announce(schedule_id)
        board.release()
        assert board.announce(schedule_id) is None
        assert len(board.runs()) == 1 and len(board.clock.whens) == 1
        storage.ask(m.SchedulesToStart())  # anything handed to Storage was handled by now
        assert len(board.supervisor.actor_ref.told) == 1  # the first fire's answer alone

    def test_a_full_backlog_at_the_due_time_skips_but_keeps_the_checkpoint(self, storage):
        """No run; the checkpoint is saved so a restart does not fire it; counted refused."""
        board = Board(storage, limit=0)
        schedule_id = board.schedule("a")
        board.announce(schedule_id)
        assert board.release() == [] and board.runs() == []
        assert marks_of(storage, schedule_id)["checkpoint"] == DUE
        assert board.supervisor.backlog.refused == 1

    def test_a_stop_cancels_the_wake_up_and_forgets_the_held_fires(self, storage):
        """At shutdown nothing held is recorded: the next start's misfire policy decides."""
        board = Board(storage)
        board.announce(board.schedule("a"))
        [(_, _, _, token)] = board.clock.armed
        board.board.stop_all()
        assert token in board.clock.cancelled and board.board.held == {}

    def test_a_fire_announced_after_its_due_time_fires_at_once(self, storage):
        """Late (a busy machine, a catch-up): no holding, Storage records it straight away."""
        board = Board(storage)
        schedule_id = board.schedule("a")
        board.wall.when = at(1, 1)
        assert board.announce(schedule_id) is DEFERRED  # handed to Storage, answered by message
        assert board.clock.armed == []
        assert board.supervisor.actor_ref.arrived.wait(10)
        [told] = board.supervisor.actor_ref.told
        assert isinstance(told, m.ScheduleFired) and told.due == DUE


class TestAnnouncing:
    """A Schedule wakes FIRE_LEAD before its due time and withdraws a fire it re-plans."""

    def make(self, now: datetime) -> Harness:
        return Harness(WhenClock(), schedule(), {}, now)

    def test_it_wakes_ahead_of_the_due_time(self):
        """Hourly at 00:20: the wake-up for 01:00 is asked for at 01:00 minus FIRE_LEAD."""
        harness = self.make(at(0, 20))
        assert harness.clock.whens == [at(1) - FIRE_LEAD] and harness.armed() == [at(1)]

    def test_a_change_before_the_due_time_withdraws_the_announced_fire(self):
        """Announced at 00:59:59.2, reconfigured at 00:59:59.5: WithdrawFire for 01:00 goes to
        the Supervisor before the fire the new definition announces."""
        harness = self.make(at(0, 20))
        harness.wall.when = at(1) - timedelta(milliseconds=800)
        harness.clock.fire()
        harness.settle()
        harness.wall.when = at(1) - timedelta(milliseconds=500)
        harness.ref.tell(m.Reconfigure(schedule(), {}))
        harness.settle()
        kinds = [type(message).__name__ for message in harness.supervisor.told]
        assert kinds == ["FireSchedule", "WithdrawFire"]
        assert harness.supervisor.told[1] == m.WithdrawFire("S1", DUE)
        assert harness.armed() == [at(1)]  # re-armed: it announces 01:00 again

    def test_a_change_after_the_due_time_withdraws_nothing(self):
        """Once 01:00 passed the fire is the Supervisor's: nothing is withdrawn."""
        harness = self.make(at(0, 20))
        harness.wall.when = at(1) - timedelta(milliseconds=800)
        harness.clock.fire()
        harness.settle()
        harness.wall.when = at(1) + timedelta(milliseconds=5)
        harness.ref.tell(m.Reconfigure(schedule(), {}))
        harness.settle()
        assert not any(isinstance(msg, m.WithdrawFire) for msg in harness.supervisor.told)
