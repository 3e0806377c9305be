"""`jobs`: create, read, change, copy, delete and run jobs; an ID argument also takes a name."""

from __future__ import annotations

import time
from typing import Any

import click

from cli.client import path
from cli.job_fields import job_body, job_field_options, require_fields
from cli.params import TimeType, parse_pairs
from cli.runs import limit_option, list_runs, state_option, wait_timeout_option
from cli.state import State, pass_state
from cli.table import Column, seconds, when
from cli.waiting import RUN_FORMATS, RUN_ORDER, report, wait_for_run

JOB_STATES = (
    "never_run",
    "scheduled",
    "queued",
    "running",
    "retrying",
    "succeeded",
    "failed",
    "timed_out",
    "cancelled",
    "interrupted",
)
JOB_ORDER = (
    "id",
    "name",
    "state",
    "enabled",
    "command",
    "workdir",
    "timeout",
    "max_attempts",
    "retry_delay",
    "max_concurrent",
    "env",
    "secret_env",
    "tags",
    "description",
    "context_id",
    "last_run_id",
    "next_run_at",
    "created_at",
    "created_by",
    "updated_at",
)
JOB_FORMATS = {"timeout": seconds, "retry_delay": seconds}
JOB_COLUMNS = [
    Column("ID", "id", shrink=False),
    Column("NAME", "name"),
    Column("STATE", "state", shrink=False),
    Column("ENABLED", "enabled", shrink=False),
    Column("NEXT RUN", "next_run_at", when, shrink=False),
    Column("TAGS", "tags"),
    Column("COMMAND", "command"),
]
# The server's answer may take as long as the wait it was asked for; allow a margin on top.
WAIT_MARGIN = 30.0


def show_job(state: State, job: Any) -> None:
    state.out.item(job, JOB_ORDER, JOB_FORMATS)


@click.group()
def jobs() -> None:
    """Jobs: a command run in a working directory, with timeout and retries."""


@jobs.command("list")
@click.option("--tag", metavar="T", help="Only jobs with this tag.")
@click.option(
    "--state",
    "job_state",
    type=click.Choice(JOB_STATES, case_sensitive=False),
    help="Only jobs whose latest run is in this state.",
)
@click.option("-q", "--query", metavar="TEXT", help="Only jobs whose name contains TEXT.")
@click.option("--limit", type=click.IntRange(1, 1000), help="At most this many jobs.")
@pass_state
def list_command(
    state: State, tag: str | None, job_state: str | None, query: str | None, limit: int | None
) -> None:
    """List jobs."""
    params = {"tag": tag, "state": job_state, "q": query, "limit": limit}
    state.out.items(state.client.get("/jobs", params), JOB_COLUMNS, empty="No jobs.")


@jobs.command("get")
@click.argument("job_id", metavar="ID")
@pass_state
def get(state: State, job_id: str) -> None:
    """Show one job."""
    show_job(state, state.client.get(path("jobs", job_id)))


@jobs.command("create")
@job_field_options
@pass_state
def create(state: State, file: str | None, **fields: Any) -> None:
    """Create a job from options, or from a file with -f FILE.yaml."""
    body = job_body(file, fields)
    require_fields(body)
    show_job(state, state.client.post("/jobs", body))


@jobs.command("update")
@click.argument("job_id", metavar="ID")
@job_field_options
@pass_state
def update(state: State, job_id: str, file: str | None, **fields: Any) -> None:
    """Change the given fields of a job (the others keep their values)."""
    body = job_body(file, fields)
    if not body:
        raise click.UsageError("nothing to update: give at least one field option or --file")
    show_job(state, state.client.patch(path("jobs", job_id), body))


@jobs.command("delete")
@click.argument("job_id", metavar="ID")
@click.option(
    "--force", is_flag=True, help="Delete even if pipelines use it (and drop it from schedules)."
)
@pass_state
def delete(state: State, job_id: str, force: bool) -> None:
    """Delete a job."""
    answer = state.client.delete(path("jobs", job_id), {"force": True} if force else None)
    state.out.message(f"Deleted job {job_id}.", answer)


@jobs.command("copy")
@click.argument("job_id", metavar="ID")
@click.option("--name", help="Name of the copy. [default: <name>-copy]")
@pass_state
def copy(state: State, job_id: str, name: str | None) -> None:
    """Copy a job under a new name."""
    body = {"name": name} if name else None
    show_job(state, state.client.post(path("jobs", job_id, "copy"), body))


@jobs.command("run")
@click.argument("job_id", metavar="ID")
@click.option("--wait", is_flag=True, help="Wait for the end; exit code 0 only on success.")
@click.option("--at", type=TimeType(forward=True), help="Run once at this time (ISO 8601 or 10m).")
@click.option(
    "--env",
    multiple=True,
    metavar="K=V",
    callback=parse_pairs,
    help="Extra environment variable for this run (repeatable).",
)
@wait_timeout_option
@pass_state
def run(
    state: State,
    job_id: str,
    wait: bool,
    at: str | None,
    env: dict[str, str] | None,
    timeout: float,
) -> None:
    """Start a run of the job now (or --at a time)."""
    body = {key: value for key, value in (("at", at), ("env", env)) if value is not None}
    route = path("jobs", job_id, "run")
    if not wait:
        run = state.client.post(route, body or None)
        state.out.item(run, RUN_ORDER, RUN_FORMATS)
        return
    deadline = time.monotonic() + timeout
    params = {"wait": True, "timeout": f"{timeout:g}"}
    run = state.client.post(route, body or None, params=params, timeout=timeout + WAIT_MARGIN)
    report(state, wait_for_run(state.client, run, deadline), timeout)


@jobs.command("runs")
@click.argument("job_id", metavar="ID")
@state_option
@limit_option
@pass_state
def runs_command(state: State, job_id: str, run_state: str | None, limit: int | None) -> None:
    """List the runs of a job, newest first."""
    # The job's real ID: the runs filter takes IDs, the user may have typed a name.
    job = state.client.get(path("jobs", job_id))
    list_runs(state, {"owner": job["id"], "state": run_state, "limit": limit})
