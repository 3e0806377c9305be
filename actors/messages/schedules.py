"""Messages about schedules: to Storage, the Supervisor and Schedule actors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from actors.messages.channel import ACK, GROUPED, Acked

# --- Schedules -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleTarget(Acked):
    """Ask Storage: add (or remove) a target of a schedule; replies the schedule."""

    ref: str
    target: str
    add: bool


@dataclass(frozen=True)
class SetEnabled(Acked):
    """Ask Storage: pause (False) or resume (True) a schedule; replies the schedule."""

    ref: str
    enabled: bool


@dataclass(frozen=True)
class SaveMarks:
    """Storage: a schedule's moving parts (`checkpoint`, `last_fired_at`, `next_fire_at`).
    With `commit`, written to disk before the reply; otherwise grouped with other writes.
    A fire's checkpoint does not come this way but with its runs (CreateScheduledRuns)."""

    schedule_id: str
    marks: dict[str, Any]
    commit: bool = False

    @property
    def COMMIT(self) -> str:  # noqa: N802 - the policy attribute every message may declare
        return ACK if self.commit else GROUPED


@dataclass(frozen=True)
class SchedulesToStart:
    """Ask Storage: the enabled schedules (or just one) with their marks; replies
    [(schedule, marks)]."""

    schedule_id: str | None = None


@dataclass(frozen=True)
class CreateScheduledRuns(Acked):
    """Ask Storage: the runs of a schedule's fire, all at once; replies (started, skipped).

    The fire's `marks` (its checkpoint) are written with the runs, and the runs carry `due` as
    `scheduled_for`: one commit holds both, so a crash keeps the fire whole or not at all."""

    schedule_id: str
    due: str | None = None
    marks: dict[str, Any] | None = None


@dataclass(frozen=True)
class ScheduleChanged:
    """Ask Supervisor: a schedule was created, changed or deleted; start, re-arm or stop it."""

    schedule_id: str


@dataclass(frozen=True)
class StartSchedules:
    """Ask Supervisor at start-up: start an actor for every enabled schedule."""


@dataclass(frozen=True)
class FireSchedule:
    """Ask Supervisor: launch every target of a schedule now, in parallel.

    Replies `{"runs": [...], "skipped": [{"target", "reason"}]}`. `marks` is the fire's
    checkpoint, stored in the same commit as the runs."""

    schedule_id: str
    due: str | None
    manual: bool = False
    marks: dict[str, Any] | None = None


@dataclass(frozen=True)
class ScheduleFired:
    """Tell, to the Supervisor itself once Storage recorded a fire (`value`: the started
    `(owner, run)` pairs and the skipped targets) or refused it (`error`); `reply_to` is the
    fire's asker, if any."""

    schedule_id: str
    due: str | None
    manual: bool
    value: Any
    error: BaseException | None
    reply_to: Any = None


@dataclass(frozen=True)
class CreateScheduledFires(Acked):
    """Ask Storage: the runs of several schedules' fires due at the same time, all in one
    commit. `fires` holds `(schedule_id, due, marks)`; replies one `(schedule_id, due, value,
    error)` each, `value` as CreateScheduledRuns replies, `error` NotFound for a schedule gone."""

    fires: tuple[tuple[str, str, dict[str, Any]], ...]


@dataclass(frozen=True)
class FiresDue:
    """Tell, from the Timekeeper to the Supervisor: the fires held for `when` (epoch seconds)
    are due now."""

    when: float


@dataclass(frozen=True)
class SchedulesFired:
    """Tell, to the Supervisor itself once Storage recorded the fires due together: `value` as
    CreateScheduledFires replies, or `error` when the shared commit failed."""

    value: Any
    error: BaseException | None


@dataclass(frozen=True)
class WithdrawFire:
    """Tell, from a Schedule to the Supervisor: forget the fire it announced for `due` (it was
    reconfigured before that time)."""

    schedule_id: str
    due: str


@dataclass(frozen=True)
class Fire:
    """Tell, from the Timekeeper to a Schedule: the fire time `due` is near (FIRE_LEAD ahead)."""

    due: datetime


@dataclass(frozen=True)
class Reconfigure:
    """Tell a Schedule its new definition and marks; it re-arms at once."""

    schedule: dict[str, Any]
    marks: dict[str, Any]
