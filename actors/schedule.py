"""The Schedule actor: one per enabled schedule, woken by the Timekeeper at each fire time.

At start it applies its misfire policy to the fires missed since its checkpoint, then arms the
next fire. Before each fire it stores the new checkpoint (asked, so it is on disk), then asks
the Supervisor to launch the targets: a crash can lose a fire in flight but never fire twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from actors import messages as m
from actors.base import Actor
from actors.timekeeper import Timekeeper
from orchestrator.log import get_logger
from orchestrator.models.fields import iso, now, parse_time
from orchestrator.models.schedule import cron_of
from orchestrator.scheduling.misfire import missed_fires

log = get_logger("orchestrator.schedule")


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
        self._configure(schedule, marks)

    def _configure(self, schedule: dict, marks: dict) -> None:
        self.schedule = schedule
        self.cron = cron_of(schedule)
        self.checkpoint = parse_time(marks.get("checkpoint") or "") or self.clock()
        self.log = log.bind(schedule_id=schedule["id"], schedule=schedule["name"])

    def on_start(self) -> None:
        self._catch_up()
        self._arm()

    def on_stop(self) -> None:
        if self.token is not None:
            self.timekeeper.cancel(self.token)

    def on_receive(self, message: Any) -> None:
        match message:
            case m.Fire(due) if due == self.due:
                self.token = None
                self._fire(due, "due")
                self._arm()
            case m.Reconfigure(schedule, marks):
                if self.token is not None:
                    self.timekeeper.cancel(self.token)
                self._configure(schedule, marks)
                self.log.info("schedule re-armed", cron=schedule["cron"], tz=schedule["timezone"])
                self._arm()

    def _catch_up(self) -> None:
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

    def _arm(self) -> None:
        self.due = self.cron.next_after(max(self.checkpoint, self.clock()))
        self.token = self.timekeeper.wake_at(self.due, self.actor_ref, m.Fire(self.due))
        self._mark({"next_fire_at": iso(self.due)}, acked=False)
        self.log.debug("next fire armed", at=iso(self.due))

    def _fire(self, due: datetime, why: str) -> None:
        self.checkpoint = due
        self._mark({"checkpoint": iso(due), "last_fired_at": iso(self.clock())}, acked=True)
        self.log.info("schedule firing", due=iso(due), reason=why)
        self.supervisor.tell(m.FireSchedule(self.schedule["id"], iso(due)))

    def _mark(self, marks: dict, acked: bool) -> None:
        message = m.SaveMarks(self.schedule["id"], marks, commit=acked)
        if acked:
            self.storage.ask(message)
        else:
            self.storage.tell(message)
