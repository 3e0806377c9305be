"""Messages to the Storage actor: definitions, runs, contexts and run progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from actors.messages.channel import Acked, Confirmed, Grouped

# --- Storage: definitions of jobs and pipelines (asks) ---------------------------------------
# `kind` is "job" or "pipeline": both have the same life cycle, so they share these messages.


@dataclass(frozen=True)
class Create(Acked):
    kind: str
    body: dict[str, Any]
    user: str


@dataclass(frozen=True)
class Update(Acked):
    kind: str
    ref: str
    body: dict[str, Any]
    partial: bool
    user: str


@dataclass(frozen=True)
class Copy(Acked):
    kind: str
    ref: str
    name: str | None
    user: str


@dataclass(frozen=True)
class Delete(Acked):
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
class CreateRun(Acked):
    """Record a new run of a job or pipeline (refused if disabled); replies `(owner, run)`.

    `retry_of` names a finished pipeline run whose succeeded steps the new run keeps."""

    kind: str
    ref: str
    trigger: dict[str, str]
    at: datetime | None = None
    env: dict[str, str] = field(default_factory=dict)
    retry_of: str | None = None
    pipeline_run_id: str | None = None
    secret_env: dict[str, str] = field(default_factory=dict)  # sealed in the store


@dataclass(frozen=True)
class CreateSteps(Confirmed):
    """Record a job run for each `(step ID, job ID)` of a pipeline run, and the pipeline run
    (`pipeline_run`, its steps linked to the new runs), in the next commit; replies, once that
    commit succeeded, `((step ID, job, run, None) or (step ID, None, None, error), ...)`.
    `ended`: the `SaveRunResult` of the step whose end launched these, written first (one
    message and one commit for a step's end and the next step's creation)."""

    pipeline_run: dict[str, Any]
    steps: tuple[tuple[str, str], ...]
    env: dict[str, str] = field(default_factory=dict)
    secret_env: dict[str, str] = field(default_factory=dict)
    ended: SaveRunResult | None = None


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
class ResetContext(Acked):
    ref: str


@dataclass(frozen=True)
class FindCut:
    """After a start, before `Recover`: replies the job runs a crash left going (records)."""


@dataclass(frozen=True)
class Recover(Acked):
    """After a start: mark cut runs interrupted; replies the planned runs to arm again."""


@dataclass(frozen=True)
class Flush(Acked):
    """Commit everything pending (on shutdown, and the group-commit timer)."""


# --- Storage: run progress (tells) ---------------------------------------------------------


@dataclass(frozen=True)
class SaveRun(Grouped):
    run: dict[str, Any]


@dataclass(frozen=True)
class SaveRuns(Grouped):
    """Several queued runs whose waiting reason changed, in one message."""

    runs: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class SaveRunResult:
    """A run ended: its record, its output, and (when it executed) the job's new context."""

    run: dict[str, Any]
    output: dict[str, Any]
    context: dict[str, Any] | None


@dataclass(frozen=True)
class SaveLiveOutputs(Grouped):
    """From the Timekeeper, every `jobs.output_checkpoint_interval` seconds: save what running
    attempts wrote since the last time, so that a killed server keeps most of it."""
