"""Messages of run execution: to the Supervisor, from the gateway, itself and the executor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# --- Supervisor ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestRun:
    """Ask the Supervisor, from the gateway (a run now, at a time, or a retry): have Storage
    record the run (`create`), reply it once committed, then admit it."""

    create: Any  # a storage CreateRun
    reserved: bool = (
        False  # the gateway holds a place for it in the backlog (orchestrator/runs/backlog.py)
    )


@dataclass(frozen=True)
class RecoverRuns:
    """Ask the Supervisor, once at start: stop what the last stop left running, mark those
    runs interrupted, arm the planned ones again; replies the IDs of the job runs cut."""


@dataclass(frozen=True)
class Admit:
    """Tell, to the Supervisor itself once Storage recorded a requested run: arm it (planned),
    queue it (job) or start it (pipeline); interrupted while the server shuts down."""

    run: dict[str, Any]
    owner: dict[str, Any]
    reserved: bool = (
        False  # the gateway holds a place for it in the backlog (orchestrator/runs/backlog.py)
    )


@dataclass(frozen=True)
class CancelRun:
    ref: str


@dataclass(frozen=True)
class StartPlanned:
    """Tell, from the Timekeeper: a run planned for a time is due."""

    run_id: str


@dataclass(frozen=True)
class StepsCreated:
    """Tell, to the Supervisor itself once Storage committed the job runs of pipeline steps
    (`CreateSteps`): its reply, `(step ID, job, run, None)` or `(step ID, None, None, error)`
    for each step."""

    pipeline_run_id: str
    created: tuple[tuple[str, Any, Any, Any], ...]


@dataclass(frozen=True)
class Shutdown:
    """Ask: stop admitting, give running runs `grace` seconds, cut the rest as interrupted."""

    grace: float


@dataclass(frozen=True)
class Stats:
    """Ask: running and queued counts."""


@dataclass(frozen=True)
class AttemptStarted:
    """Tell the Supervisor, from the executor's thread: attempt `number` of a job run has its
    process (`process`: what finds its tree after a crash). Told before its AttemptDone when told
    at all: the shared watcher tells it once the attempt has run 50 ms or shows its first output,
    so an attempt that ends sooner without output reports its end only."""

    run_id: str
    number: int
    process: dict[str, Any] | None


@dataclass(frozen=True)
class AttemptDone:
    """Tell the Supervisor, from the executor's thread: an attempt of a job run is over."""

    result: Any
    run_id: str


@dataclass(frozen=True)
class RetryDue:
    """Tell the Supervisor, from the Timekeeper: a job run's retry delay is over."""

    run_id: str


@dataclass(frozen=True)
class InterruptAll:
    """Tell, at the end of a shutdown grace: cut every run still going as `interrupted`."""


@dataclass(frozen=True)
class PlacementChanged:
    """Tell the Supervisor the executor's cluster changed (reachable again, workers came or
    went): queued runs waiting for it may start now."""


@dataclass(frozen=True)
class Resources:
    """Tell the Supervisor the machine's latest CPU use and available memory (from the
    Sampler), for admission."""

    cpu_percent: float | None
    available_mb: float | None
