"""A Schedule actor alone: a fake wall clock, a fake Timekeeper (the conftest clock: it keeps
the `wake_at` wake-ups, which the test delivers by hand), and recorders for the Supervisor and
Storage it tells."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from actors import messages as m
from actors.schedule import ScheduleActor
from orchestrator.models.fields import iso
from tests.unit.actors.conftest import FakeClock, Recorder

JAN1 = datetime(2026, 1, 1, tzinfo=UTC)


def at(hour: int, minute: int = 0) -> datetime:
    return JAN1.replace(hour=hour, minute=minute)


class Wall:
    """The schedule's `clock`: a wall-clock time the test moves."""

    def __init__(self, when: datetime) -> None:
        self.when = when

    def __call__(self) -> datetime:
        return self.when


class FakeStorage(Recorder):
    """Storage as the Schedule uses it: marks are told, or asked when they must be on disk."""

    def ask(self, message: Any) -> None:
        self.told.append(message)

    def marks(self) -> list[dict]:
        return [msg.marks for msg in self.told if isinstance(msg, m.SaveMarks)]


def schedule(cron: str = "0 * * * *", tz: str = "UTC", **fields: Any) -> dict:
    base = {"id": "S1", "name": "nightly", "cron": cron, "timezone": tz}
    return {**base, "misfire": "skip", "max_lateness": None, **fields}


class Harness:
    """One Schedule actor, started, with what it talks to."""

    def __init__(self, clock: FakeClock, definition: dict, marks: dict, now: datetime) -> None:
        self.clock, self.wall = clock, Wall(now)
        self.supervisor, self.storage = Recorder(), FakeStorage()
        self.ref = ScheduleActor.start(
            definition, marks, self.supervisor, self.storage, clock, self.wall
        )
        self.settle()

    def settle(self) -> None:
        """Returns once the actor handled everything told to it before (its inbox is FIFO)."""
        self.ref.ask("settle", timeout=10)

    def armed(self) -> list[datetime]:
        """The due times of the wake-ups armed and not cancelled."""
        live = [msg for _, _, msg, token in self.clock.armed if token not in self.clock.cancelled]
        return [msg.due for msg in live]

    def fires(self) -> list[m.FireSchedule]:
        return [msg for msg in self.supervisor.told if isinstance(msg, m.FireSchedule)]


@pytest.fixture
def harness(clock: FakeClock):
    def make(definition: dict | None = None, marks: dict | None = None, now: datetime = JAN1):
        return Harness(clock, definition or schedule(), marks or {}, now)

    return make


class TestArming:
    """At start a Schedule arms its next fire, computed from its cron in its time zone."""

    def test_it_arms_the_next_fire_and_marks_it(self, harness):
        """Hourly at 00:20 arms 01:00 on the Timekeeper, for itself, and records next_fire_at."""
        schedule_ = harness(now=at(0, 20))
        [(_, ref, message, _)] = schedule_.clock.armed
        assert ref == schedule_.ref and message == m.Fire(at(1))
        assert schedule_.storage.marks() == [{"next_fire_at": iso(at(1))}]
        assert schedule_.fires() == []

    def test_the_time_zone_decides_the_instant(self, harness):
        """09:00 in Paris in January is 08:00 UTC."""
        schedule_ = harness(schedule("0 9 * * *", "Europe/Paris"))
        assert schedule_.armed() == [at(8)]

    def test_a_cron_that_never_fires_idles_without_arming(self, harness):
        """The 31st of February arms nothing, records no next fire, and the actor lives on."""
        schedule_ = harness(schedule("0 0 31 2 *"))
        assert schedule_.clock.armed == []
        assert schedule_.storage.marks() == [{"next_fire_at": None}]
        assert schedule_.ref.is_alive()

    def test_a_time_zone_gone_from_the_system_idles_too(self, harness):
        """An unknown zone cannot compute a time: nothing is armed."""
        schedule_ = harness(schedule(tz="Mars/Olympus_Mons"))
        assert schedule_.clock.armed == [] and schedule_.storage.marks() == [{"next_fire_at": None}]


class TestFiring:
    """A wake-up fires the schedule through the Supervisor and arms the next one."""

    def test_a_wake_up_fires_with_its_due_time_and_arms_the_next(self, harness):
        """The Fire for 01:00 tells FireSchedule(due 01:00) with the checkpoint and the next
        time (02:00), which is armed; nothing else is written for it, the fire carries it."""
        schedule_ = harness(now=at(0, 20))
        written = len(schedule_.storage.marks())
        schedule_.wall.when = at(1, 0)
        assert schedule_.clock.fire() == 1
        schedule_.settle()
        [fire] = schedule_.fires()
        assert (fire.schedule_id, fire.due, fire.manual) == ("S1", iso(at(1)), False)
        assert fire.marks == {
            "checkpoint": iso(at(1)),
            "last_fired_at": iso(at(1)),
            "next_fire_at": iso(at(2)),
        }
        assert schedule_.armed() == [at(2)]
        assert len(schedule_.storage.marks()) == written

    def test_a_stale_wake_up_fires_nothing(self, harness):
        """A Fire whose time is not the armed one (re-armed since) is ignored."""
        schedule_ = harness(now=at(0, 20))
        schedule_.ref.tell(m.Fire(at(5)))
        schedule_.settle()
        assert schedule_.fires() == [] and schedule_.armed() == [at(1)]

    def test_a_late_wake_up_arms_from_now_not_from_the_missed_time(self, harness):
        """Woken at 03:30 for 01:00, it fires 01:00 once and arms 04:00."""
        schedule_ = harness(now=at(0, 20))
        schedule_.wall.when = at(3, 30)
        schedule_.clock.fire()
        schedule_.settle()
        assert [fire.due for fire in schedule_.fires()] == [iso(at(1))]
        assert schedule_.armed() == [at(4)]


class TestChanges:
    """A change or a pause takes the armed wake-up back."""

    def test_reconfigure_cancels_the_armed_wake_up_and_arms_the_new_cron(self, harness):
        """From hourly to daily at 06:00: the 01:00 wake-up is cancelled, 06:00 is armed."""
        schedule_ = harness(now=at(0, 20))
        [(_, _, old, token)] = schedule_.clock.armed
        schedule_.ref.tell(m.Reconfigure(schedule("0 6 * * *"), {}))
        schedule_.settle()
        assert token in schedule_.clock.cancelled and schedule_.armed() == [at(6)]
        schedule_.ref.tell(old)  # a wake-up already on its way when it was cancelled
        schedule_.settle()
        assert schedule_.fires() == []

    def test_a_pause_stops_the_actor_and_cancels_its_wake_up(self, harness):
        """Stopping the actor (what the board does on pause or delete) disarms the next fire."""
        schedule_ = harness(now=at(0, 20))
        schedule_.ref.stop()
        assert schedule_.armed() == [] and schedule_.fires() == []


class TestMisfire:
    """At start, the fires missed since the checkpoint follow the schedule's misfire policy."""

    DOWN = {"checkpoint": iso(at(0, 30))}  # the server stopped at 00:30 and is back at 04:10

    @pytest.mark.parametrize(
        ("policy", "dues"),
        [
            ("skip", []),
            ("run_once", [at(4)]),
            ("run_all", [at(1), at(2), at(3), at(4)]),
        ],
    )
    def test_the_policy_decides_how_many_missed_fires_run(self, harness, policy, dues):
        """Four hourly fires were missed: skip fires none, run_once the latest, run_all each."""
        schedule_ = harness(schedule(misfire=policy), self.DOWN, now=at(4, 10))
        assert [fire.due for fire in schedule_.fires()] == [iso(due) for due in dues]
        assert [fire.marks["checkpoint"] for fire in schedule_.fires()] == [iso(d) for d in dues]
        assert schedule_.armed() == [at(5)]

    def test_skipping_moves_the_checkpoint_to_now_on_disk(self, harness):
        """With nothing fired, the new checkpoint is written before arming (asked, committed)."""
        schedule_ = harness(schedule(misfire="skip"), self.DOWN, now=at(4, 10))
        [saved] = [msg for msg in schedule_.storage.told if msg.commit]
        assert saved.marks == {"checkpoint": iso(at(4, 10))}

    def test_max_lateness_drops_fires_too_old_to_run(self, harness):
        """run_all with max_lateness 90 minutes fires only 03:00 and 04:00."""
        definition = schedule(misfire="run_all", max_lateness=5400)
        schedule_ = harness(definition, self.DOWN, now=at(4, 10))
        assert [fire.due for fire in schedule_.fires()] == [iso(at(3)), iso(at(4))]

    def test_nothing_missed_fires_nothing(self, harness):
        """A checkpoint after the last due time leaves nothing to catch up, whatever the policy."""
        schedule_ = harness(schedule(misfire="run_all"), {"checkpoint": iso(at(4, 5))}, at(4, 10))
        assert schedule_.fires() == [] and schedule_.armed() == [at(5)]
