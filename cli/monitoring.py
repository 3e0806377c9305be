"""`metrics` and `status`: supervision from a terminal.

`metrics` is the `GET /metrics` document made readable. `status` is the one screen an operator
looks at first: is the server up, which version, what is defined and in which state, what runs
or waits, how loaded the machine is, and what failed lately.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click

from cli import metrics_view as view
from cli.retention import in_force
from cli.state import State, pass_state
from cli.table import Column, render, when

FAILED_STATES = ("failed", "timed_out")
FAILED_SHOWN = 5
FAILED_COLUMNS = [
    Column("RUN", "id", shrink=False),
    Column("OWNER", lambda run: run.get("owner_name") or run.get("owner_id")),
    Column("STATE", "state", shrink=False),
    Column("FINISHED", "finished_at", when, shrink=False),
    Column("ERROR", lambda run: run.get("error") or _exit(run)),
]


def _exit(run: Mapping[str, Any]) -> str | None:
    code = run.get("exit_code")
    return f"exit code {code}" if code is not None else None


@click.command("metrics")
@pass_state
def metrics(state: State) -> None:
    """Show the server's machine, process and run metrics (--output json: the API document)."""
    doc = state.client.get("/metrics")
    if state.out.is_table:
        click.echo(view.metrics_screen(doc))
    else:
        state.out.document(doc)


def latest_failed(state: State) -> list[dict[str, Any]]:
    """The latest runs that failed or timed out, newest first."""
    found: list[dict[str, Any]] = []
    for run_state in FAILED_STATES:
        doc = state.client.get("/runs", {"state": run_state, "limit": FAILED_SHOWN})
        found += [run for run in doc.get("items") or [] if isinstance(run, dict)]
    found.sort(key=lambda run: str(run.get("finished_at") or run.get("queued_at") or ""))
    return found[::-1][:FAILED_SHOWN]


def status_screen(doc: Mapping[str, Any]) -> str:
    """The `status` screen from the document `status --output json` prints."""
    version = view.section(doc, "version")
    health = view.section(doc, "health").get("status", "-")
    shown = version.get("display") or version.get("version") or "-"
    metrics_doc = view.section(doc, "metrics")
    rows = [
        ("Server", f"{doc.get('server')}: {health}, version {shown}"),
        ("Jobs", view.owners(metrics_doc, "jobs")),
        ("Pipelines", view.owners(metrics_doc, "pipelines")),
        ("Schedules", view.schedules(metrics_doc)),
        ("Runs now", view.runs_now(metrics_doc)),
        ("Last 24 h", view.runs_24h(metrics_doc)),
        ("Resources", view.resources(metrics_doc)),
        ("Retention", in_force(view.section(doc, "retention"))),
    ]
    failed = doc.get("failed_runs") or []
    tail = render(failed, FAILED_COLUMNS, view.WIDTH) if failed else "No failed runs."
    return view.block(rows) + "\n\nLatest failed runs\n" + tail


@click.command("status")
@pass_state
def status(state: State) -> None:
    """One screen: health, version, counts by state, queue, resources, latest failures.

    Exit code 1 when the server does not answer or reports itself unhealthy.
    """
    client = state.client
    health = client.get("/health")
    doc = {
        "server": state.settings.server,
        "health": health,
        "version": client.get("/version"),
        "metrics": client.get("/metrics"),
        "failed_runs": latest_failed(state),
        "retention": client.get("/system/retention"),
    }
    if state.out.is_table:
        click.echo(status_screen(doc))
    else:
        state.out.document(doc)
    if not isinstance(health, Mapping) or health.get("status") != "ok":
        raise click.exceptions.Exit(1)
