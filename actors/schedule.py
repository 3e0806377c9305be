"""The Schedule actor: one per enabled schedule, woken by the Timekeeper at each fire time.

At start it applies its misfire policy to the fires missed since its checkpoint, then arms the
next fire. A fire hands the new checkpoint to the Supervisor with the launch, and Storage
writes it in the same commit as the runs: a crash leaves both or neither, and in the second
case the misfire policy catches the fire up at the next start. It never fires twice.

A schedule whose next time cannot be computed (a cron stored before such crons were refused,
or a time zone gone from the system) idles: it records why and never arms.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from actors import messages as m
from actors.base import Actor
from orchestrator.log import get_logger
from orchestrator.models.fields import iso, now, parse_time
from orchestrator.models.schedule import cron_of
from orchestrator.scheduling.cron import Cron, CronError
from orchestrator.scheduling.misfire import missed_fires
from orchestrator.timekeeper import Timekeeper

log = get_logger("orchestrator.schedule")
# How long before its due time a Schedule wakes and announces its fire to the Supervisor,
# which holds it until the due time and records it with every fire due then (ScheduleBoard).
FIRE_LEAD = timedelta(seconds=1)


class ScheduleActor(Actor):
    def __init__(
        self,
        schedule: dict,
        marks: dict,
        supervisor: Any,
        storage: Any,
        timekeeper: Timekeeper,
        clock: Callable[[], datetime] = now,
    ) -> None:
        super().__init__()
        self.supervisor = supervisor
        self.storage = storage
        self.timekeeper = timekeeper
        self.clock = clock
        self.token: int | None = None
        self.due: datetime | None = None
        self.announced: datetime | None = None  # the due time of the fire last announced
        self._configure(schedule, marks)

    def _configure(self, schedule: dict, marks: dict) -> None:
        self.schedule = schedule
        self.checkpoint = parse_time(marks.get("checkpoint") or "") or self.clock()
        self.log = log.bind(schedule_id=schedule["id"], schedule=schedule["name"])
        self.cron: Cron | None = None
        self.problem: str | None = None
        try:
            self.cron = cron_of(schedule)
        except CronError as err:
            self.problem = str(err)

    def on_start(self) -> None:
        self._start(catch_up=True)

    def _start(self, catch_up: bool) -> None:
        """(Catch up and) arm, or idle with the reason when the next time cannot be computed."""
        try:
            if self.problem is None:
                if catch_up:
                    self._catch_up()
                self._arm()
                return
        except CronError as err:
            self.problem = str(err)
        self.due = None
        self.log.warning("schedule cannot fire", reason=self.problem)
        self._mark({"next_fire_at": None}, acked=False)

    def on_stop(self) -> None:
        if self.token is not None:
            self.timekeeper.cancel(self.token)

    def on_receive(self, message: Any) -> None:
        match message:
            case m.Fire(due) if due == self.due:
                self.token = None
                self.announced = due
                # The next time travels with the fire's marks: one write to Storage per fire.
                upcoming = self._next_after(due)
                self._fire(due, "due", upcoming)
                if upcoming is None:
                    self._start(catch_up=False)  # idle, with the reason
                else:
                    self._arm(upcoming)
            case m.Reconfigure(schedule, marks):
                if self.token is not None:
                    self.timekeeper.cancel(self.token)
                if self.announced is not None and self.announced > self.clock():
                    # Announced under the former definition and not due yet: withdrawn.
                    due, self.announced = iso(self.announced), None
                    self.supervisor.tell(m.WithdrawFire(self.schedule["id"], due))
                self._configure(schedule, marks)
                self.log.info("schedule re-armed", cron=schedule["cron"], tz=schedule["timezone"])
                self._start(catch_up=False)

    def _catch_up(self) -> None:
        assert self.cron is not None
        current = self.clock()
        policy, lateness = self.schedule["misfire"], self.schedule["max_lateness"]
        first_missed = self.cron.next_after(self.checkpoint)
        if first_missed > current:
            return
        chosen = missed_fires(self.cron, self.checkpoint, current, policy, lateness)
        self.log.info(
            "missed fires found",
            since=iso(self.checkpoint),
            first_missed=iso(first_missed),
            policy=policy,
            firing=len(chosen),
        )
        for due in chosen:
            self._fire(due, f"misfire:{policy}")
        if not chosen:
            self._mark({"checkpoint": iso(current)}, acked=True)
            self.checkpoint = current

    def _next_after(self, due: datetime) -> datetime | None:
        """The fire after `due`, or None (with the reason kept) when it cannot be computed."""
        if self.problem is not None or self.cron is None:
            return None
        try:
            return self.cron.next_after(max(due, self.clock()))
        except CronError as err:
            self.problem = str(err)
            return None

    def _arm(self, due: datetime | None = None) -> None:
        """Wake at the next fire time; `due`, when given, was computed and stored already."""
        assert self.cron is not None
        self.due = due or self.cron.next_after(max(self.checkpoint, self.clock()))
        wake = self.due - FIRE_LEAD  # announced ahead; the Supervisor holds it to the time
        self.token = self.timekeeper.wake_at(wake, self.actor_ref, m.Fire(self.due))
        if due is None:
            self._mark({"next_fire_at": iso(self.due)}, acked=False)
        self.log.debug("next fire armed", at=iso(self.due))

    def _fire(self, due: datetime, why: str, upcoming: datetime | None = None) -> None:
        self.checkpoint = due
        marks = {"checkpoint": iso(due), "last_fired_at": iso(self.clock())}
        if upcoming is not None:
            marks["next_fire_at"] = iso(upcoming)
        self.log.info("schedule firing", due=iso(due), reason=why)
        # The checkpoint travels with the launch: Storage commits it with the runs, at once.
        self.supervisor.tell(m.FireSchedule(self.schedule["id"], iso(due), marks=marks))

    def _mark(self, marks: dict, acked: bool) -> None:
        message = m.SaveMarks(self.schedule["id"], marks, commit=acked)
        if acked:
            self.storage.ask(message)
        else:
            self.storage.tell(message)
