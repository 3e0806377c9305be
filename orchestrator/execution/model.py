"""What an executor is asked to run and what it reports back, shared by every executor.

Both are frozen values so that the JobRun actor can keep, log and store them without copies.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Outcome(StrEnum):
    """How an attempt ended; a `str`, so it compares equal to and serializes as its value."""

    EXITED = "exited"
    TIMED_OUT = "timed_out"
    CANCELLED = "cancelled"
    ERROR = "error"


@dataclass(frozen=True)
class AttemptSpec:
    """One attempt: a shell command run in a working directory with limits."""

    command: str
    workdir: str
    env: dict[str, str] = field(default_factory=dict)
    timeout: float | None = None
    max_output_bytes: int = 1024 * 1024
    kill_grace: float = 5.0
    secrets: tuple[str, ...] = ()  # values masked as `***` in the output
    # What a worker must offer to run it (e.g. {"gpu": 1}); only the Dask executor places by it.
    resources: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class AttemptResult:
    """What happened to one attempt; `exit_code` is set only when the process exited by itself."""

    outcome: str
    exit_code: int | None
    stdout: str
    stderr: str
    truncated: bool
    started_at: datetime
    finished_at: datetime
    error: str | None = None
    worker: dict | None = None  # where it ran: {"name", "host"}

    @property
    def duration(self) -> float:
        """Seconds from the start of the attempt to its end."""
        return (self.finished_at - self.started_at).total_seconds()


def local_worker() -> dict[str, str]:
    """The worker of an attempt the local executor ran: this machine."""
    return {"name": "local", "host": socket.gethostname()}


def local_workers() -> dict:
    """`GET /system/workers` with the local executor: no cluster, no workers to list."""
    return {"executor": "local", "scheduler": None, "reachable": True, "items": []}


def describe_timeout(seconds: float) -> str:
    """The sentence a person reads when an attempt ran out of time."""
    unit = "second" if seconds == 1 else "seconds"
    return f"timed out after {seconds:g} {unit}"
