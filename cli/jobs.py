"""`jobs`: create, read, change, copy, delete and run jobs; an ID argument also takes a name."""

from __future__ import annotations

from typing import Any

import click

from cli.definitions import (
    OWNER_STATES,
    Kind,
    copy_command,
    create,
    delete_command,
    run_command,
    runs_command,
    update,
)
from cli.job_fields import job_body, job_field_options, require_fields
from cli.state import State, pass_state
from cli.table import Column, seconds, when

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


def show_job(state: State, job: Any) -> None:
    state.out.item(job, JOB_ORDER, JOB_FORMATS)


JOB = Kind("job", "jobs", show_job)


@click.group()
def jobs() -> None:
    """Jobs: a command run in a working directory, with timeout and retries."""


@jobs.command("list")
@click.option("--tag", metavar="T", help="Only jobs with this tag.")
@click.option(
    "--state",
    "job_state",
    type=click.Choice(OWNER_STATES, case_sensitive=False),
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
    show_job(state, state.client.get(JOB.item(job_id)))


@jobs.command("create")
@job_field_options
@pass_state
def create_command(state: State, file: str | None, **fields: Any) -> None:
    """Create a job from options, or from a file with -f FILE.yaml."""
    body = job_body(file, fields)
    require_fields(body)
    create(state, JOB, body)


@jobs.command("update")
@click.argument("job_id", metavar="ID")
@job_field_options
@pass_state
def update_command(state: State, job_id: str, file: str | None, **fields: Any) -> None:
    """Change the given fields of a job (the others keep their values)."""
    update(state, JOB, job_id, job_body(file, fields))


jobs.add_command(
    delete_command(JOB, "Delete even if pipelines use it (and drop it from schedules).")
)
jobs.add_command(copy_command(JOB))
jobs.add_command(run_command(JOB))
jobs.add_command(runs_command(JOB))
