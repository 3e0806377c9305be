"""The Supervisor's side of schedules: one Schedule actor per enabled schedule, and fires.

Kept apart from the Supervisor's run admission; the Supervisor owns one board and hands it the
schedule messages.
"""

from __future__ import annotations

from typing import Any

import pykka

from actors import messages as m
from actors.base import DEFERRED, ask_later
from actors.schedule import ScheduleActor
from orchestrator.errors import NotFound
from orchestrator.log import get_logger
from orchestrator.models.fields import iso, now
from orchestrator.models.run import RunState

log = get_logger("orchestrator.schedules")


class ScheduleBoard:
    def __init__(self, supervisor: Any, storage: Any, timekeeper: Any) -> None:
        self.supervisor = supervisor  # the Supervisor actor object (we run on its thread)
        self.storage = storage
        self.timekeeper = timekeeper
        self.actors: dict[str, Any] = {}

    def start_all(self) -> int:
        for schedule, marks in self.storage.ask(m.SchedulesToStart()):
            self._start(schedule, marks)
        log.info("schedules started", count=len(self.actors))
        return len(self.actors)

    def changed(self, schedule_id: str) -> None:
        """Start, re-arm or stop the actor of a schedule after it changed."""
        found = self.storage.ask(m.SchedulesToStart(schedule_id))
        actor = self.actors.get(schedule_id)
        if not found:
            if actor is not None:
                self.actors.pop(schedule_id).stop(block=False)
                log.info("schedule stopped", schedule_id=schedule_id)
            return
        schedule, marks = found[0]
        if actor is None:
            self._start(schedule, marks)
        else:
            actor.tell(m.Reconfigure(schedule, marks))

    def _start(self, schedule: dict, marks: dict) -> None:
        self.actors[schedule["id"]] = ScheduleActor.start(
            schedule, marks, self.supervisor.actor_ref, self.storage, self.timekeeper
        )

    def fire(
        self, schedule_id: str, due: str | None, manual: bool, marks: dict | None = None
    ) -> Any:
        """Launch every target of the schedule now; the asker is answered the runs and the
        skipped targets once Storage recorded them (`fired`).

        The fire's marks (from the Schedule actor: its checkpoint; for a manual fire: when) are
        committed with the runs, so a crash never keeps the one without the other. With the
        backlog full, a manual fire is refused (429) and a scheduled one is skipped (its
        checkpoint still moves on, so a restart does not fire it again).
        """
        backlog = self.supervisor.backlog
        if backlog.full():
            error = backlog.refuse()
            if manual:
                raise error
            log.warning(
                "schedule fire skipped: too many runs wait to start",
                schedule_id=schedule_id,
                due=due,
                waiting=backlog.waiting,
                limit=backlog.limit,
                refused_total=backlog.refused,
            )
            if marks:
                self.storage.tell(m.SaveMarks(schedule_id, marks))
            return {"runs": [], "skipped": []}
        if manual:
            marks = {**(marks or {}), "last_fired_at": iso(now())}
        # Storage records the runs and the marks in one commit (shared with the fires that
        # arrive together); the Supervisor does not wait for it, and launches them when told.
        reply_to, me = self.supervisor.reply_to, self.supervisor.actor_ref

        def recorded(value: Any, error: BaseException | None) -> None:
            try:
                me.tell(m.ScheduleFired(schedule_id, due, manual, value, error, reply_to))
            except pykka.ActorDeadError:  # stopping: the next start's recovery interrupts them
                log.warning("schedule fired while the Supervisor stopped", schedule_id=schedule_id)

        ask_later(self.storage, m.CreateScheduledRuns(schedule_id, due, marks), recorded)
        return DEFERRED

    def fired(self, message: m.ScheduleFired) -> None:
        """Storage recorded a fire: queue its runs, and answer the fire's asker (if any)."""
        schedule_id, due, manual = message.schedule_id, message.due, message.manual
        reply_to, error = message.reply_to, message.error
        if isinstance(error, NotFound) and not manual:
            # Deleted while its fire was on the way: nothing to launch, nothing to record.
            log.info("schedule gone before its fire", schedule_id=schedule_id, due=due)
            error, started, skipped = None, [], []
        elif error is None:
            started, skipped = message.value
        if error is not None:
            if reply_to is not None:
                reply_to.set_exception((type(error), error, error.__traceback__))
            return
        for owner, run in started:
            if self.supervisor.accepting:
                self.supervisor.begin(run, owner, admit=False)
            else:  # the server began to stop while Storage recorded the fire
                self.supervisor.save_final(run, RunState.INTERRUPTED, "The server shut down first.")
        self.supervisor.admit_queued()
        for item in skipped:
            log.info("schedule target skipped", schedule_id=schedule_id, **item)
        log.info(
            "schedule fired",
            schedule_id=schedule_id,
            due=due,
            manual=manual,
            runs=[run["id"] for _, run in started],
        )
        if reply_to is not None:
            reply_to.set({"runs": [run for _, run in started], "skipped": skipped})

    def stop_all(self) -> None:
        for actor in self.actors.values():
            actor.stop(block=False)
        self.actors.clear()
