"""`workers list`: the executor the server uses and the workers its attempts run on."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click

from cli.metrics_view import human_bytes
from cli.state import State, pass_state
from cli.table import Column


def resources_text(value: Any) -> str:
    """`gpu=1, mem=4`: a worker's resources as `dask worker --resources` spells them."""
    if not isinstance(value, Mapping) or not value:
        return "-"
    return ", ".join(f"{name}={amount:g}" for name, amount in value.items())


def memory_text(worker: Mapping[str, Any]) -> str:
    """Memory in use, and of what limit when the worker has one."""
    used, limit = worker.get("memory"), worker.get("memory_limit")
    if used is None:
        return "-"
    return f"{human_bytes(used)} / {human_bytes(limit)}" if limit else human_bytes(used)


WORKER_COLUMNS = [
    Column("NAME", "name"),
    Column("HOST", "host"),
    Column("RESOURCES", "resources", resources_text),
    Column("RUNNING", "running", shrink=False),
    Column("MEMORY", memory_text, str, shrink=False),
]


@click.group()
def workers() -> None:
    """Workers: where attempts run (the Dask cluster's workers; none with the local executor)."""


@workers.command("list")
@pass_state
def list_(state: State) -> None:
    """List the cluster's workers with their resources, running attempts and memory."""
    doc = state.client.get("/system/workers")
    if not state.out.is_table or not isinstance(doc, Mapping):
        state.out.document(doc)
        return
    executor = doc.get("executor")
    if executor != "dask":
        click.echo(f"executor {executor}: attempts run on the server's machine (worker local)")
        return
    reach = "" if doc.get("reachable") else " (unreachable)"
    click.echo(f"executor dask, scheduler {doc.get('scheduler')}{reach}")
    state.out.items(doc, WORKER_COLUMNS, empty="No workers connected.")
