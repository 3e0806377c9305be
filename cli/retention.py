"""`system retention` (what is in force and would go now) and `system purge [--dry-run]`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click

from cli.state import State, pass_state
from cli.table import when


def _days(value: Any) -> str:
    return f"{value:g} d" if isinstance(value, int | float) else "-"


def in_force(doc: Mapping[str, Any]) -> str:
    """'runs 30 d (10 latest kept), audit 90 d, logs 14 d; next purge 2026-12-03 15:00:00'."""
    text = (
        f"runs {_days(doc.get('runs_days'))} ({doc.get('keep_last_runs', '-')} latest kept), "
        f"audit {_days(doc.get('audit_days'))}, logs {_days(doc.get('logs_days'))}"
    )
    if doc.get("next_purge_at"):
        text += f"; next purge {when(doc['next_purge_at'])}"
    return text


def counted(doc: Mapping[str, Any]) -> str:
    """'120 runs, 3400 audit records, 2 log files'."""
    return (
        f"{doc.get('runs', 0)} runs, {doc.get('audit', 0)} audit records, "
        f"{doc.get('logs', 0)} log files"
    )


@click.group("system")
def system() -> None:
    """Retention of old runs, audit records and logs."""


@system.command("retention")
@pass_state
def retention(state: State) -> None:
    """Show the retention settings in force and what a purge now would remove."""
    doc = state.client.get("/system/retention")
    if not state.out.is_table:
        state.out.document(doc)
        return
    click.echo(f"In force:        {in_force(doc)}")
    click.echo(f"A purge now:     {counted(doc.get('would_purge') or {})}")


@system.command("purge")
@click.option("--dry-run", is_flag=True, help="Say what would be removed; remove nothing.")
@pass_state
def purge(state: State, dry_run: bool) -> None:
    """Apply retention now (admin): remove old runs, audit records and rotated logs."""
    doc = state.client.post("/system/purge", None, params={"dry_run": "true"} if dry_run else None)
    if not state.out.is_table:
        state.out.document(doc)
    elif dry_run:
        click.echo(f"Would remove {counted(doc)}; nothing was removed (dry run).")
    else:
        click.echo(f"Removed {counted(doc)}.")
