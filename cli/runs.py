"""`runs`: the execution history — list, inspect, read output, cancel, retry, wait for a run."""

from __future__ import annotations

import sys
import time

import click

from cli.client import path
from cli.follow import follow_output
from cli.run_view import schedule_names, show_run, trigger_text
from cli.state import State, pass_state
from cli.states import RUN_STATES
from cli.table import Column, seconds, when
from cli.wait_option import wait_timeout_option
from cli.waiting import DEFAULT_WAIT, last_worker, report, wait_for_run

RUN_COLUMNS = [
    Column("ID", "id", shrink=False),
    Column("OWNER", lambda run: run.get("owner_name") or run.get("owner_id")),
    Column("STATE", "state", shrink=False),
    Column("TRIGGER", "trigger"),
    Column("STARTED", "started_at", when, shrink=False),
    Column("DURATION", "duration", seconds, shrink=False),
    Column("EXIT", "exit_code", shrink=False),
    Column("WORKER", last_worker),
]

# Named run_state: `state` is the shared State that @pass_state hands every command.
state_option = click.option(
    "--state",
    "run_state",
    type=click.Choice(RUN_STATES, case_sensitive=False),
    help="Only runs in this state.",
)
limit_option = click.option(
    "--limit", type=click.IntRange(1, 1000), help="At most this many runs (newest first)."
)
wait_timeout_option = wait_timeout_option(
    DEFAULT_WAIT, "Seconds to wait before giving up (exit code 1)."
)


def list_runs(state: State, params: dict) -> None:
    """Print a runs list answer; shared with `jobs runs` and later `pipelines runs`."""
    doc = state.client.get("/runs", params)
    columns = RUN_COLUMNS
    if state.out.is_table and isinstance(doc, dict):
        names = schedule_names(state.client, doc.get("items") or [])
        trigger = Column(
            "TRIGGER", lambda run: trigger_text(run.get("trigger"), names, with_id=False)
        )
        columns = [trigger if c.header == "TRIGGER" else c for c in RUN_COLUMNS]
    state.out.items(doc, columns, empty="No runs.")


@click.group()
def runs() -> None:
    """Execution history: every run of a job or pipeline."""


@runs.command("list")
@click.option("--owner", metavar="ID", help="Only runs of this job or pipeline.")
@state_option
@click.option("--kind", type=click.Choice(("job", "pipeline")), help="Only job or pipeline runs.")
@limit_option
@pass_state
def list_command(
    state: State, owner: str | None, run_state: str | None, kind: str | None, limit: int | None
) -> None:
    """List runs, newest first."""
    list_runs(state, {"owner": owner, "state": run_state, "kind": kind, "limit": limit})


@runs.command("get")
@click.argument("run_id", metavar="RUN")
@pass_state
def get(state: State, run_id: str) -> None:
    """Show one run with its attempts."""
    show_run(state, state.client.get(path("runs", run_id)))


@runs.command("output")
@click.argument("run_id", metavar="RUN")
@click.option(
    "-f", "--follow", is_flag=True, help="Print the output as it is written, until the run ends."
)
@pass_state
def output(state: State, run_id: str, follow: bool) -> None:
    """Print the run's stdout, then its stderr on stderr (with --follow: as they are written)."""
    if follow:
        follow_output(state, run_id)
        return
    doc = state.client.get(path("runs", run_id, "output"))
    if not state.out.is_table:
        state.out.document(doc)
        return
    stdout, stderr = doc.get("stdout") or "", doc.get("stderr") or ""
    sys.stdout.write(stdout)
    sys.stdout.flush()
    sys.stderr.write(stderr)
    if doc.get("truncated"):
        sys.stderr.write("note: the server kept only the first part of this output\n")
    sys.stderr.flush()


@runs.command("cancel")
@click.argument("run_id", metavar="RUN")
@pass_state
def cancel(state: State, run_id: str) -> None:
    """Cancel a scheduled, queued or running run."""
    show_run(state, state.client.post(path("runs", run_id, "cancel")))


@runs.command("retry")
@click.argument("run_id", metavar="RUN")
@pass_state
def retry(state: State, run_id: str) -> None:
    """Start a new run of what this run ran (for a pipeline, only its failed steps)."""
    show_run(state, state.client.post(path("runs", run_id, "retry")))


@runs.command("wait")
@click.argument("run_id", metavar="RUN")
@wait_timeout_option
@pass_state
def wait(state: State, run_id: str, timeout: float) -> None:
    """Wait until the run finishes, print it; exit code 0 only if it succeeded."""
    deadline = time.monotonic() + timeout
    run = state.client.get(path("runs", run_id))
    report(state, wait_for_run(state.client, run, deadline), timeout)
