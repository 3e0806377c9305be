"""`jobs`: create, read, change, copy, delete and run jobs; an ID argument also takes a name."""

from __future__ import annotations

from typing import Any

import click

from cli.definitions import (
    Kind,
    copy_command,
    delete_command,
    edit_commands,
    list_command,
    run_command,
    runs_command,
)
from cli.fields import description_option, enabled_option, file_option, name_option, tag_option
from cli.params import parse_pairs, parse_resources
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
    "max_output_bytes",
    "resources",
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
REQUIRED = {"name": "--name", "command": "--command", "workdir": "--workdir"}
_OPTIONS = [
    file_option("job"),
    name_option(),
    click.option("--command", help="Shell command to run."),
    click.option("--workdir", metavar="DIR", help="Absolute working directory on the server."),
    click.option(
        "--timeout",
        type=click.FloatRange(min=0, min_open=True),
        metavar="S",
        help="Seconds before the run is killed.",
    ),
    click.option("--max-attempts", type=click.IntRange(min=1), metavar="N", help="Attempts."),
    click.option(
        "--retry-delay",
        type=click.FloatRange(min=0),
        metavar="S",
        help="Seconds between attempts.",
    ),
    click.option("--max-concurrent", type=click.IntRange(min=1), metavar="N", help="Runs at once."),
    click.option(
        "--max-output-bytes",
        type=click.IntRange(min=1),
        metavar="N",
        help="Bytes of stdout and of stderr kept whole per run (head and end past it).",
    ),
    click.option(
        "--env",
        multiple=True,
        metavar="K=V",
        callback=parse_pairs,
        help="Environment variable (repeatable; replaces the whole set on update).",
    ),
    click.option(
        "--secret-env",
        multiple=True,
        metavar="K=V",
        callback=parse_pairs,
        help="Secret environment variable, encrypted at rest (repeatable).",
    ),
    click.option(
        "--resource",
        "resources",
        multiple=True,
        metavar="NAME=N",
        callback=parse_resources,
        help="Worker resource each attempt needs, e.g. gpu=1 (Dask executor; repeatable; "
        "replaces the whole set on update).",
    ),
    tag_option(),
    description_option(),
    enabled_option("Whether the job may run."),
]

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


jobs.add_command(list_command(JOB, JOB_COLUMNS, "List jobs.", by_state=True))


@jobs.command("get")
@click.argument("job_id", metavar="ID")
@pass_state
def get(state: State, job_id: str) -> None:
    """Show one job."""
    show_job(state, state.client.get(JOB.item(job_id)))


edit_commands(
    jobs,
    JOB,
    _OPTIONS,
    REQUIRED,
    "Change the given fields of a job (the others keep their values).",
    numbers=("timeout", "retry_delay"),
)
jobs.add_command(
    delete_command(JOB, "Delete even if pipelines use it (and drop it from schedules).")
)
jobs.add_command(copy_command(JOB))
jobs.add_command(run_command(JOB))
jobs.add_command(runs_command(JOB))
