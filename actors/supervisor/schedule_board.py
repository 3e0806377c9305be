"""The Supervisor's side of schedules: one Schedule actor per enabled schedule, and fires.

Kept apart from the Supervisor's run admission; the Supervisor owns one board and hands it the
schedule messages.

A Schedule announces its fire `FIRE_LEAD` before the due time; the board holds it, with every
other fire due at that instant, until one Timekeeper wake-up at the due time (`FiresDue`), and
has them all recorded in one Storage message and one commit. So a hundred schedules due in the
same second cost one hop at that second instead of a hundred actors waking at once. A held fire
lives only in memory: a crash before its due time keeps nothing, and the next start's misfire
policy sees the fire as missed (or still to come), exactly as if it had not been announced.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pykka

from actors import messages as m
from actors.base import DEFERRED, ask_later
from actors.schedule import ScheduleActor
from orchestrator.errors import NotFound
from orchestrator.log import get_logger
from orchestrator.models.fields import iso, now, parse_time
from orchestrator.models.run import RunState

log = get_logger("orchestrator.schedules")


class ScheduleBoard:
    def __init__(
        self,
        supervisor: Any,
        storage: Any,
        timekeeper: Any,
        clock: Callable[[], datetime] = now,
    ) -> None:
        self.supervisor = supervisor  # the Supervisor actor object (we run on its thread)
        self.storage = storage
        self.timekeeper = timekeeper
        self.clock = clock
        self.actors: dict[str, Any] = {}
        # Fires announced before their time: due (epoch s) -> schedule ID -> (due, marks).
        self.held: dict[float, dict[str, tuple[str, dict]]] = {}
        self.tokens: dict[float, int] = {}  # due (epoch s) -> its Timekeeper wake-up
        self.launched: dict[str, float] = {}  # schedule ID -> the latest due handed on

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
            self._forget(schedule_id)  # paused or deleted: its announced fire is void
            self.launched.pop(schedule_id, None)
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
        if not manual and due is not None and self._held(schedule_id, due, marks or {}):
            return None
        backlog = self.supervisor.backlog
        if backlog.full():
            error = backlog.refuse()
            if manual:
                raise error
            self._skip(schedule_id, due, marks)
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

    def _skip(self, schedule_id: str, due: str | None, marks: dict | None) -> None:
        """The backlog is full: no run; the checkpoint moves on, so no restart fires it."""
        backlog = self.supervisor.backlog
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

    def _held(self, schedule_id: str, due: str, marks: dict) -> bool:
        """Hold a fire announced before its due time; True when the board took it (held, or
        dropped as a repeat or as a stopped schedule's), False to fire it now."""
        when = parse_time(due)
        if when is None:
            return False
        stamp = when.timestamp()
        if stamp <= self.launched.get(schedule_id, float("-inf")):
            log.debug("schedule fire already launched", schedule_id=schedule_id, due=due)
            return True
        if when <= self.clock():
            self.launched[schedule_id] = stamp
            return False
        if schedule_id not in self.actors:
            return True  # stopped since it announced the fire
        self.held.setdefault(stamp, {})[schedule_id] = (due, marks)
        if stamp not in self.tokens:
            me = self.supervisor.actor_ref
            self.tokens[stamp] = self.timekeeper.wake_at(stamp, me, m.FiresDue(stamp))
        return True

    def _forget(self, schedule_id: str, due: str | None = None) -> None:
        """Drop the held fire of a schedule (only the one for `due`, when given)."""
        when = parse_time(due) if due else None
        stamp = when.timestamp() if when else None
        for held_for, fires in self.held.items():
            if stamp in (None, held_for):
                fires.pop(schedule_id, None)

    def handle(self, message: Any) -> None:
        """The messages of fires due together: their time came, one was withdrawn, recorded."""
        match message:
            case m.FiresDue(when):
                self._release(when)
            case m.WithdrawFire(schedule_id, due):
                self._forget(schedule_id, due)
            case m.SchedulesFired(value, error):
                self._fired_together(value, error)

    def _release(self, when: float) -> None:
        """Hand every fire held for `when` to Storage in one message (one commit)."""
        fires, _ = self.held.pop(when, {}), self.tokens.pop(when, None)
        stamp, batch = iso(self.clock()), []
        for schedule_id, (due, marks) in fires.items():
            self.launched[schedule_id] = when
            if self.supervisor.backlog.full():
                self.supervisor.backlog.refuse()
                self._skip(schedule_id, due, marks)
            else:
                batch.append((schedule_id, due, {**marks, "last_fired_at": stamp}))
        if not batch:
            return
        me = self.supervisor.actor_ref

        def recorded(value: Any, error: BaseException | None) -> None:
            try:
                me.tell(m.SchedulesFired(value, error))
            except pykka.ActorDeadError:  # stopping: the next start's recovery interrupts them
                log.warning("schedules fired while the Supervisor stopped", count=len(batch))

        ask_later(self.storage, m.CreateScheduledFires(tuple(batch)), recorded)

    def _fired_together(self, value: Any, error: BaseException | None) -> None:
        if error is not None:  # nothing was kept: the next start's misfire policy sees them
            log.error("schedule fires could not be recorded", error=str(error))
            return
        for schedule_id, due, result, failed in value:
            self._launch(m.ScheduleFired(schedule_id, due, False, result, failed))
        self.supervisor.admit_queued()

    def fired(self, message: m.ScheduleFired) -> None:
        """Storage recorded a fire: queue its runs, and answer the fire's asker (if any)."""
        self._launch(message)
        self.supervisor.admit_queued()

    def _launch(self, message: m.ScheduleFired) -> None:
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
        for token in self.tokens.values():
            self.timekeeper.cancel(token)
        self.held.clear()  # never recorded: the next start's misfire policy sees them
        self.tokens.clear()
        for actor in self.actors.values():
            actor.stop(block=False)
        self.actors.clear()
