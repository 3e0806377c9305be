"""Waiting for a run to finish, and the verdict a script reads from the exit code.

`jobs run --wait` asks the server to wait (`?wait=true&timeout=S`); when the server answers
before the run is over (its own wait limit, a proxy's timeout), the CLI polls `GET /runs/{id}`
until the run finishes or the user's timeout passes. `runs wait` polls from the start. Later
groups (`pipelines run --wait`) reuse the same functions.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import click

from cli.client import ApiClient, path
from cli.run_view import show_run
from cli.state import State
from cli.table import cell, seconds, when

# Any other state (succeeded, failed, timed_out, cancelled, interrupted, skipped, or one added
# later) counts as finished, so a new terminal state never leaves the CLI waiting forever.
ACTIVE_STATES = frozenset({"scheduled", "queued", "running", "retrying"})
DEFAULT_WAIT = 3600
FIRST_POLL = 0.2
LAST_POLL = 2.0

RUN_ORDER = (
    "id",
    "kind",
    "owner_id",
    "owner_name",
    "state",
    "trigger",
    "exit_code",
    "error",
    "scheduled_for",
    "queued_at",
    "started_at",
    "finished_at",
    "duration",
    "truncated",
)


def attempts(value: Any) -> str:
    """One line per attempt: number, outcome, exit code, duration, start, worker, error."""
    if not isinstance(value, list) or not value:
        return cell(value)
    lines = []
    for attempt in value:
        if not isinstance(attempt, Mapping):
            lines.append(cell(attempt))
            continue
        text = f"#{attempt.get('number')} {attempt.get('outcome') or ''}".rstrip()
        text += f", exit code {cell(attempt.get('exit_code'))}"
        if attempt.get("duration") is not None:
            text += f", {seconds(attempt['duration'])}"
        text += f", started {when(attempt.get('started_at'))}"
        if worker := worker_text(attempt.get("worker")):
            text += f", on {worker}"
        if attempt.get("error"):
            text += f": {attempt['error']}"
        lines.append(text)
    return "\n".join(lines)


def worker_text(worker: Any) -> str:
    """`gpu-box-1 (10.0.0.7)`: where an attempt ran; empty when not known."""
    if not isinstance(worker, Mapping) or not worker.get("name"):
        return ""
    host = worker.get("host")
    return f"{worker['name']} ({host})" if host and host != worker["name"] else str(worker["name"])


def last_worker(run: Mapping[str, Any]) -> str | None:
    """The name of the worker of a run's last attempt, for the runs list."""
    attempts = run.get("attempts")
    worker = attempts[-1].get("worker") if isinstance(attempts, list) and attempts else None
    return worker.get("name") if isinstance(worker, Mapping) else None


RUN_FORMATS = {"duration": seconds, "attempts": attempts}


def is_finished(run: Mapping[str, Any]) -> bool:
    return run.get("state") not in ACTIVE_STATES


def wait_for_run(
    client: ApiClient,
    run: Mapping[str, Any],
    deadline: float,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Mapping[str, Any]:
    """Poll the run until it finishes or `deadline` (on `clock`) passes; return its last state."""
    delay = FIRST_POLL
    while not is_finished(run):
        remaining = deadline - clock()
        if remaining <= 0:
            break
        sleep(min(delay, remaining))
        delay = min(delay * 1.5, LAST_POLL)
        run = client.get(path("runs", run["id"]))
    return run


def verdict(run: Mapping[str, Any], waited: float) -> str | None:
    """None when the run succeeded, else the sentence that explains why the exit code is 1."""
    state = run.get("state")
    if state == "succeeded":
        return None
    if not is_finished(run):
        return f"run {run.get('id')} is still {state} after waiting {waited:g} s"
    message = f"run {run.get('id')} {state}"
    if run.get("error"):
        return f"{message}: {run['error']}"
    if run.get("exit_code") is not None:
        return f"{message} with exit code {run['exit_code']}"
    return message


def report(state: State, run: Mapping[str, Any], waited: float) -> None:
    """Print the run, then exit 1 with a one-line reason unless it succeeded."""
    show_run(state, run)
    problem = verdict(run, waited)
    if problem is not None:
        click.echo(f"error: {problem}", err=True)
        state.logger.warning(problem)
        raise click.exceptions.Exit(1)
