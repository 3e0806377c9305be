"""`pipelines`: create, read, change, copy, delete and run pipelines (DAGs of job steps).

A step is written `--step ID=JOB[:DEP,DEP]` so that a whole pipeline fits on one command line;
`-f FILE.yaml` takes the API's body for anything longer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click

from cli.client import ApiError, path
from cli.definitions import (
    Kind,
    aligned,
    copy_command,
    delete_command,
    edit_commands,
    list_command,
    run_command,
    runs_command,
)
from cli.fields import description_option, enabled_option, file_option, name_option, tag_option
from cli.state import State, pass_state
from cli.table import Column, when

PIPELINE_ORDER = (
    "id",
    "name",
    "state",
    "enabled",
    "steps",
    "on_failure",
    "max_attempts",
    "max_concurrent",
    "tags",
    "description",
    "context_id",
    "last_run_id",
    "next_run_at",
    "created_at",
    "created_by",
    "updated_at",
)
PIPELINE_COLUMNS = [
    Column("ID", "id", shrink=False),
    Column("NAME", "name"),
    Column("STATE", "state", shrink=False),
    Column("STEPS", lambda row: len(row.get("steps") or []), shrink=False),
    Column("NEXT RUN", "next_run_at", when, shrink=False),
    Column("TAGS", "tags"),
]
REQUIRED = {"name": "--name", "steps": "--step"}


def parse_step(text: str) -> dict[str, Any]:
    """`ID=JOB` (after the previous step), `ID=JOB:` (a root), or `ID=JOB:DEP,DEP`.

    The last ':' starts the dependencies, since step ids cannot hold one; a job whose name does
    hold one is named by its ID.
    """
    step_id, sep, rest = text.partition("=")
    if not sep or not step_id.strip() or not rest.strip():
        raise ValueError(f"expected ID=JOB[:DEP,DEP], got {text!r}")
    job, colon, deps = rest.rpartition(":") if ":" in rest else (rest, "", "")
    step: dict[str, Any] = {"id": step_id.strip(), "job": job.strip()}
    if not step["job"]:
        raise ValueError(f"no job in step {text!r}")
    if colon:
        names = [dep.strip() for dep in deps.split(",")] if deps.strip() else []
        if "" in names:
            raise ValueError(f"empty dependency in step {text!r}")
        step["depends_on"] = names
    return step


def _steps_option(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> list[dict[str, Any]] | None:
    if not values:
        return None
    try:
        return [parse_step(value) for value in values]
    except ValueError as err:
        raise click.BadParameter(str(err), ctx, param) from None


_OPTIONS = [
    file_option("pipeline"),
    name_option(),
    click.option(
        "--step",
        "steps",
        multiple=True,
        metavar="ID=JOB[:DEP,DEP]",
        callback=_steps_option,
        help="A step running JOB (ID or name) after the steps DEP; without ':' it follows the "
        "previous step, with an empty list ('s1=job:') it is a root. Repeatable, in order; "
        "replaces all steps on update.",
    ),
    click.option(
        "--on-failure",
        type=click.Choice(("stop", "continue")),
        help="After a failed step: stop the pipeline, or continue with what does not need it.",
    ),
    click.option("--max-attempts", type=click.IntRange(min=1), metavar="N", help="Attempts."),
    click.option("--max-concurrent", type=click.IntRange(min=1), metavar="N", help="Runs at once."),
    description_option(),
    tag_option(),
    enabled_option("Whether the pipeline may run."),
]


def _definition_steps(steps: Any, states: Mapping[str, str]) -> str:
    """A small table of the steps: id, job name, what each waits for, its state in the last run.

    The header keeps it multi-line, so the details view prints it as is.
    """
    rows = [["STEP", "JOB", "AFTER"] + (["LAST RUN"] if states else [])]
    for step in steps if isinstance(steps, list) else []:
        job = step.get("job_name") or f"{step.get('job')} (deleted)"
        row = [step.get("id"), job, ", ".join(step.get("depends_on") or []) or "(root)"]
        rows.append(row + [states.get(step.get("id"), "-")] if states else row)
    return aligned(rows)


def show_pipeline(state: State, pipeline: Any, states: Mapping[str, str] | None = None) -> None:
    if not state.out.is_table or not isinstance(pipeline, Mapping):
        state.out.item(pipeline)
        return
    view = {**pipeline, "steps": _definition_steps(pipeline.get("steps"), states or {})}
    state.out.item(view, PIPELINE_ORDER, {"steps": str})


def latest_step_states(state: State, pipeline: Mapping[str, Any]) -> dict[str, str]:
    """Step id -> state in the pipeline's latest run; empty if it never ran or that run is gone."""
    run_id = pipeline.get("last_run_id")
    if not run_id:
        return {}
    try:
        run = state.client.get(path("runs", run_id))
    except ApiError as err:
        if err.status == 404:  # purged by the retention period
            return {}
        raise
    return {step.get("id"): step.get("state") for step in run.get("steps") or []}


PIPELINE = Kind("pipeline", "pipelines", show_pipeline)


@click.group()
def pipelines() -> None:
    """Pipelines: jobs run as steps, in order or as a DAG of dependencies."""


pipelines.add_command(list_command(PIPELINE, PIPELINE_COLUMNS, "List pipelines.", by_state=True))


@pipelines.command("get")
@click.argument("ref", metavar="ID")
@pass_state
def get(state: State, ref: str) -> None:
    """Show one pipeline: its steps, and their states in the latest run."""
    pipeline = state.client.get(PIPELINE.item(ref))
    states = latest_step_states(state, pipeline) if state.out.is_table else {}
    show_pipeline(state, pipeline, states)


edit_commands(
    pipelines,
    PIPELINE,
    _OPTIONS,
    REQUIRED,
    "Change the given fields of a pipeline (--step replaces all its steps).",
    # The line break is the one the reference page shows.
    example="Example: --step build=compile --step test=unit:build --step lint=check: runs build, "
    "then\ntest; lint starts at once beside them.",
)
pipelines.add_command(
    delete_command(PIPELINE, "Delete even if schedules target it (and drop it from them).")
)
pipelines.add_command(copy_command(PIPELINE))
pipelines.add_command(run_command(PIPELINE))
pipelines.add_command(runs_command(PIPELINE))
