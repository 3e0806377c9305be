"""The whole actor protocol in one place: every message is a small frozen dataclass.

"ask" messages expect a reply (the gateway awaits it through the bridge); "tell" messages are
notifications. Asks only ever go downward (gateway → Supervisor → Storage), never back up, so no
two actors can wait on each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# --- Storage: definitions of jobs and pipelines (asks) ---------------------------------------
# `kind` is "job" or "pipeline": both have the same life cycle, so they share these messages.


@dataclass(frozen=True)
class Create:
    kind: str
    body: dict[str, Any]
    user: str


@dataclass(frozen=True)
class Update:
    kind: str
    ref: str
    body: dict[str, Any]
    partial: bool
    user: str


@dataclass(frozen=True)
class Copy:
    kind: str
    ref: str
    name: str | None
    user: str


@dataclass(frozen=True)
class Delete:
    kind: str
    ref: str
    force: bool


@dataclass(frozen=True)
class Get:
    """The API view of a job or pipeline."""

    kind: str
    ref: str


@dataclass(frozen=True)
class ListDefinitions:
    kind: str
    tag: str | None = None
    state: str | None = None
    q: str | None = None
    limit: int = 100
    cursor: str | None = None


# --- Storage: runs and contexts (asks) -----------------------------------------------------


@dataclass(frozen=True)
class GetDefinition:
    """The stored record (secrets included) of a job or pipeline, for running it."""

    ref: str
    kind: str  # "job" | "pipeline"


@dataclass(frozen=True)
class CreateRun:
    """Record a new run of a job or pipeline (refused if disabled); replies `(owner, run)`.

    `retry_of` names a finished pipeline run whose succeeded steps the new run keeps."""

    kind: str
    ref: str
    trigger: dict[str, str]
    at: datetime | None = None
    env: dict[str, str] = field(default_factory=dict)
    retry_of: str | None = None
    pipeline_run_id: str | None = None


@dataclass(frozen=True)
class GetRun:
    ref: str


@dataclass(frozen=True)
class ListRuns:
    owner: str | None = None
    kind: str | None = None
    state: str | None = None
    since: str | None = None
    until: str | None = None
    limit: int = 100
    cursor: str | None = None


@dataclass(frozen=True)
class GetOutput:
    ref: str


@dataclass(frozen=True)
class ResolveContexts:
    """Contents of the contexts named in a command; replies `{name: content}`."""

    names: tuple[str, ...]


@dataclass(frozen=True)
class GetContext:
    ref: str


@dataclass(frozen=True)
class ListContexts:
    kind: str | None = None
    limit: int = 100
    cursor: str | None = None


@dataclass(frozen=True)
class ResetContext:
    ref: str


@dataclass(frozen=True)
class Recover:
    """After a start: mark cut runs interrupted; replies the planned runs to arm again."""


@dataclass(frozen=True)
class Flush:
    """Commit everything pending (on shutdown)."""


# --- Storage: run progress (tells) ---------------------------------------------------------


@dataclass(frozen=True)
class SaveRun:
    run: dict[str, Any]


@dataclass(frozen=True)
class SaveRunResult:
    """A run ended: its record, its output, and (when it executed) the job's new context."""

    run: dict[str, Any]
    output: dict[str, Any]
    context: dict[str, Any] | None


# --- Storage: users, keys, sessions and the audit trail --------------------------------------


@dataclass(frozen=True)
class Authenticate:
    token: str


@dataclass(frozen=True)
class LoginRecord:
    """A user's ID, password hash and state, for the gateway to check a password; or None."""

    username: str


@dataclass(frozen=True)
class StartSession:
    user_id: str
    ttl: float


@dataclass(frozen=True)
class Logout:
    token: str


@dataclass(frozen=True)
class BootstrapAdmin:
    """Create the admin user and key when no user exists; replies True if it did."""

    password_hash: str
    api_key: str


@dataclass(frozen=True)
class ListUsers:
    pass


@dataclass(frozen=True)
class GetUser:
    ref: str


@dataclass(frozen=True)
class CreateUser:
    fields: dict[str, Any]  # with `password_hash`, never the password
    by: str


@dataclass(frozen=True)
class UpdateUser:
    ref: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class DeleteUser:
    ref: str


@dataclass(frozen=True)
class CreateKey:
    principal: dict[str, Any]
    fields: dict[str, Any]


@dataclass(frozen=True)
class ListKeys:
    principal: dict[str, Any]
    user: str | None = None


@dataclass(frozen=True)
class RevokeKey:
    principal: dict[str, Any]
    ref: str


@dataclass(frozen=True)
class Audit:
    """Tell: append one record to the audit trail."""

    entry: dict[str, Any]


@dataclass(frozen=True)
class ListAudit:
    user: str | None = None
    action: str | None = None
    target: str | None = None
    since: str | None = None
    until: str | None = None
    limit: int = 100
    cursor: str | None = None


# --- Supervisor ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Admit:
    """Ask: a run just recorded by Storage: arm it (planned), queue it (job) or start it
    (pipeline). Refused while the server shuts down."""

    run: dict[str, Any]
    owner: dict[str, Any]


@dataclass(frozen=True)
class CancelRun:
    ref: str


@dataclass(frozen=True)
class StartPlanned:
    """Tell, from the Timekeeper: a run planned for a time is due."""

    run_id: str


@dataclass(frozen=True)
class RunFinished:
    """Tell, from a JobRun: its run reached a final state (with its stdout, for pipelines)."""

    run: dict[str, Any]
    stdout: str


@dataclass(frozen=True)
class StartStep:
    """Tell, from a PipelineRun: run this step's job as a job run of its own."""

    pipeline_run_id: str
    step_id: str
    job_id: str
    env: dict[str, str]


@dataclass(frozen=True)
class PipelineFinished:
    """Tell, from a PipelineRun: the pipeline run reached a final state."""

    run_id: str


@dataclass(frozen=True)
class RunCrashed:
    """Tell, from a JobRun's on_failure: the actor died with an error."""

    run_id: str
    error: str


@dataclass(frozen=True)
class Shutdown:
    """Ask: stop admitting, give running runs `grace` seconds, cut the rest as interrupted."""

    grace: float


@dataclass(frozen=True)
class Stats:
    """Ask: running and queued counts."""


# --- JobRun and PipelineRun ----------------------------------------------------------------


@dataclass(frozen=True)
class Start:
    pass


@dataclass(frozen=True)
class AttemptDone:
    result: Any


@dataclass(frozen=True)
class RetryDue:
    pass


@dataclass(frozen=True)
class Cancel:
    """`cancelled` kills what runs now; `interrupted` (shutdown) lets it end within the grace."""

    reason: str = "cancelled"


@dataclass(frozen=True)
class StepStarted:
    """Tell, from the Supervisor: a step's job run was created (`queued`) or admitted."""

    step_id: str
    run_id: str
    state: str


@dataclass(frozen=True)
class StepFinished:
    step_id: str
    run: dict[str, Any]
    stdout: str


@dataclass(frozen=True)
class ArmPlanned:
    """Ask, at start-up: arm the Timekeeper again for runs planned for later."""

    runs: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class InterruptAll:
    """Tell, at the end of a shutdown grace: cut every run still going as `interrupted`."""


# --- Schedules -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleTarget:
    """Ask Storage: add (or remove) a target of a schedule; replies the schedule."""

    ref: str
    target: str
    add: bool


@dataclass(frozen=True)
class SetEnabled:
    """Ask Storage: pause (False) or resume (True) a schedule; replies the schedule."""

    ref: str
    enabled: bool


@dataclass(frozen=True)
class SaveMarks:
    """Storage: a schedule's moving parts (`checkpoint`, `last_fired_at`, `next_fire_at`).
    Asked before a fire, so the decision is on disk before any run starts."""

    schedule_id: str
    marks: dict[str, Any]


@dataclass(frozen=True)
class SchedulesToStart:
    """Ask Storage: the enabled schedules (or just one) with their marks; replies
    [(schedule, marks)]."""

    schedule_id: str | None = None


@dataclass(frozen=True)
class CreateScheduledRuns:
    """Ask Storage: the runs of a schedule's fire, all at once; replies (started, skipped)."""

    schedule_id: str


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

    Replies `{"runs": [...], "skipped": [{"target", "reason"}]}`."""

    schedule_id: str
    due: str | None
    manual: bool = False


@dataclass(frozen=True)
class Fire:
    """Tell, from the Timekeeper to a Schedule: the fire time `due` has come."""

    due: datetime


@dataclass(frozen=True)
class Reconfigure:
    """Tell a Schedule its new definition and marks; it re-arms at once."""

    schedule: dict[str, Any]
    marks: dict[str, Any]


# --- Webhooks and the Notifier -------------------------------------------------------------


@dataclass(frozen=True)
class Subscribers:
    """Ask Storage: the enabled webhooks that want `event`, secrets included (Notifier only)."""

    event: str


@dataclass(frozen=True)
class SaveDelivery:
    """Tell Storage: the latest state of one delivery of a webhook (kept: the last 50)."""

    webhook_id: str
    delivery: dict[str, Any]


@dataclass(frozen=True)
class RunEnded:
    """Tell the Notifier: a job or pipeline run reached a final state (committed)."""

    run: dict[str, Any]


@dataclass(frozen=True)
class SystemError:
    """Tell the Notifier: something critical happened (store failure, actor crash, start-up)."""

    message: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TestWebhook:
    """Ask the Notifier: send a `test` event to one webhook now; replies the delivery ID."""

    webhook_id: str


# --- Metrics, retention, export and import -------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """Ask Storage: definitions and runs counted by state, and run durations, as of `now`."""

    now: datetime


@dataclass(frozen=True)
class Tick:
    """Tell, from the Timekeeper: time for a periodic task (the sampler's sample)."""


@dataclass(frozen=True)
class LatestSample:
    """Ask the Sampler: the most recent system sample."""


@dataclass(frozen=True)
class SampleHistory:
    """Ask the Sampler: the samples kept (one hour), oldest first."""


@dataclass(frozen=True)
class Purge:
    """Storage: apply retention as of `now` (told hourly by the Timekeeper, or asked)."""

    now: datetime


@dataclass(frozen=True)
class Export:
    """Ask Storage: jobs, pipelines, schedules and webhooks as one document."""

    include_secrets: bool = False


@dataclass(frozen=True)
class Import:
    """Ask Storage: validate a whole document, then (unless `dry_run`) apply it."""

    document: dict[str, Any]
    mode: str  # "merge" | "replace"
    dry_run: bool
    user: str
