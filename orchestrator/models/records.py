"""The shapes of the records the store keeps and the API answers: runs, their attempts and
steps, jobs, pipelines and schedules.

TypedDicts, not classes: a record stays the plain JSON-ready dict it always was (no conversion
on the run path, nothing to copy when it is stored or answered), and the type checker knows
its fields. `total=False` because a stored record may lack a field a newer server adds
(`retried_by`, `steps`); the public schemas in `gateway/openapi/` say what every answer holds.
"""

from __future__ import annotations

from typing import Any, TypedDict

from orchestrator.models.run import RunState
from orchestrator.models.states import StepState


class Attempt(TypedDict, total=False):
    number: int
    started_at: str | None
    finished_at: str | None
    duration: float | None
    exit_code: int | None
    outcome: str
    error: str | None
    worker: dict | None  # where it ran: {"name", "host"}


class StepRun(TypedDict, total=False):
    """One step of a pipeline run: `pending` until it starts, then its job run's state."""

    id: str
    job_id: str
    run_id: str | None
    state: StepState | str
    attempts: int


class Run(TypedDict, total=False):
    id: str
    kind: str  # "job" or "pipeline"
    owner_id: str
    owner_name: str
    state: RunState | str
    trigger: dict[str, str]
    scheduled_for: str | None
    created_at: str | None
    queued_at: str | None
    started_at: str | None
    finished_at: str | None
    duration: float | None
    exit_code: int | None
    error: str | None
    truncated: bool
    attempts: list[Attempt]
    steps: list[StepRun]
    env: dict[str, str]
    secret_env: dict[str, str]
    pipeline_run_id: str | None
    retried_by: str | None
    waiting: str | None
    process: Any  # the recovery mark of a running process; never shown


class Definition(TypedDict, total=False):
    """What every job, pipeline and schedule carries."""

    id: str
    name: str
    description: str
    tags: list[str]
    enabled: bool
    created_at: str
    updated_at: str
    created_by: str


class Job(Definition, TypedDict, total=False):  # TypedDict again: pdoc needs it on 3.11
    command: str
    workdir: str
    timeout: float
    max_attempts: int
    retry_delay: float
    env: dict[str, str]
    secret_env: dict[str, str]
    max_concurrent: int
    max_output_bytes: int | None
    resources: dict[str, float]
    context_id: str


class Pipeline(Definition, TypedDict, total=False):
    steps: list[dict[str, Any]]
    max_attempts: int
    on_failure: str
    max_concurrent: int
    context_id: str


class Schedule(Definition, TypedDict, total=False):
    cron: str
    timezone: str
    targets: list[str]
    misfire: str
    max_lateness: float | None
    last_fired_at: str | None
