"""`audit`: who did what, when, and with which outcome (admins only), newest first."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click

from cli.params import TimeType
from cli.state import State, pass_state
from cli.table import Column, when


def _outcome(record: Mapping[str, Any]) -> str:
    """'success 201' or 'failure 409 conflict': the verdict, the status, and why it failed."""
    details = record.get("details") if isinstance(record.get("details"), Mapping) else {}
    parts = [record.get("outcome"), record.get("status"), details.get("error")]
    return " ".join(str(part) for part in parts if part not in (None, ""))


AUDIT_COLUMNS = [
    Column("ID", "id", shrink=False),
    Column("TIME", "time", when, shrink=False),
    Column("USER", "user"),
    Column("ACTION", "action"),
    Column("TARGET", "target"),
    Column("OUTCOME", _outcome),
]


@click.command("audit")
@click.option("--user", metavar="U", help="Only what this username did.")
@click.option("--action", metavar="A", help="Only this action, such as job.update or auth.login.")
@click.option(
    "--target",
    metavar="T",
    help="Only what was done to this ID (records name the ID even when a name was typed).",
)
@click.option(
    "--since",
    type=TimeType(forward=False),
    metavar="TIME",
    help="Only records after this time (ISO 8601, or a duration back such as 2h).",
)
@click.option(
    "--until",
    type=TimeType(forward=False),
    metavar="TIME",
    help="Only records before this time (ISO 8601, or a duration back such as 30m).",
)
@click.option("--limit", type=click.IntRange(1, 1000), help="At most this many records.")
@pass_state
def audit(
    state: State,
    user: str | None,
    action: str | None,
    target: str | None,
    since: str | None,
    until: str | None,
    limit: int | None,
) -> None:
    """Show the audit trail, newest first (admin only)."""
    params = {
        "user": user,
        "action": action,
        "target": target,
        "since": since,
        "until": until,
        "limit": limit,
    }
    state.out.items(state.client.get("/audit", params), AUDIT_COLUMNS, empty="No audit records.")
