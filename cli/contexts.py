"""`contexts`: the latest output of each job and pipeline, with the details of how it was made."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

import click

from cli.client import path
from cli.state import State, pass_state
from cli.table import Column, seconds, size, when

CONTEXT_ORDER = (
    "id",
    "kind",
    "owner_id",
    "owner_name",
    "state",
    "run_id",
    "generated_at",
    "duration",
    "exit_code",
    "attempts",
    "size",
    "truncated",
)
CONTEXT_FORMATS = {"duration": seconds, "size": size}
CONTEXT_COLUMNS = [
    Column("ID", "id", shrink=False),
    Column("KIND", "kind", shrink=False),
    Column("OWNER", lambda ctx: ctx.get("owner_name") or ctx.get("owner_id")),
    Column("STATE", "state", shrink=False),
    Column("SIZE", "size", size, shrink=False),
    Column("GENERATED", "generated_at", when, shrink=False),
]


def _step_line(step: Mapping[str, Any]) -> dict[str, Any]:
    """A pipeline step's context without its content, which would drown the details."""
    snapshot = step.get("context") if isinstance(step.get("context"), Mapping) else {}
    return {
        "step": step.get("step"),
        "job_id": step.get("job_id"),
        "state": snapshot.get("state"),
        "run_id": snapshot.get("run_id"),
        "size": snapshot.get("size"),
    }


def summary(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The context's details for the table view: everything but the content."""
    view = {key: value for key, value in doc.items() if key != "content"}
    if isinstance(view.get("steps"), list):
        view["steps"] = [_step_line(step) for step in view["steps"] if isinstance(step, Mapping)]
    return view


@click.group()
def contexts() -> None:
    """Contexts: the stdout of the latest run of each job and pipeline."""


@contexts.command("list")
@click.option("--kind", type=click.Choice(("job", "pipeline")), help="Only job or pipeline ones.")
@click.option("--limit", type=click.IntRange(1, 1000), help="At most this many contexts.")
@pass_state
def list_command(state: State, kind: str | None, limit: int | None) -> None:
    """List contexts."""
    doc = state.client.get("/contexts", {"kind": kind, "limit": limit})
    state.out.items(doc, CONTEXT_COLUMNS, empty="No contexts.")


@contexts.command("get")
@click.argument("context_id", metavar="ID")
@pass_state
def get(state: State, context_id: str) -> None:
    """Show a context (ID, or its owner's ID or name): the details, then the content."""
    doc = state.client.get(path("contexts", context_id))
    if not state.out.is_table:
        state.out.document(doc)
        return
    state.out.item(summary(doc), CONTEXT_ORDER, CONTEXT_FORMATS)
    content = doc.get("content") or ""
    # Written as is: click.echo would strip the colour codes a command may have printed.
    sys.stdout.write("\n" + (content or "(empty)"))
    if not content.endswith("\n"):
        sys.stdout.write("\n")


@contexts.command("reset")
@click.argument("context_id", metavar="ID")
@pass_state
def reset(state: State, context_id: str) -> None:
    """Empty a context, as if its owner had never run."""
    doc = state.client.post(path("contexts", context_id, "reset"))
    shown = doc.get("id", context_id) if isinstance(doc, Mapping) else context_id
    state.out.message(f"Context {shown} reset.", doc)
