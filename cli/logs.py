"""`logs`: the server's recent log records, or a live tail of them with --follow.

--follow first prints the latest records (like `tail -f`), then reads the Server-Sent Events of
`GET /logs/stream`, skipping records already shown by their sequence number. In json output a
live tail prints one JSON document per line (JSON Lines), since a stream has no single document.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import click

from cli.output import dump
from cli.params import TimeType
from cli.state import State, pass_state
from cli.table import cell, when

LEVELS = ("debug", "info", "warning", "error")
FOLLOW_BACKLOG = 10


def line(record: Mapping[str, Any]) -> str:
    """One record as `time LEVEL logger: message key=value ...`."""
    fields = record.get("fields") if isinstance(record.get("fields"), Mapping) else {}
    extra = "".join(f" {key}={cell(value)}" for key, value in fields.items())
    level = str(record.get("level") or "").upper()
    return f"{when(record.get('time'))} {level:<7} {record.get('logger')}: " + (
        f"{record.get('message')}{extra}"
    )


def _matches(record: Any, query: str | None) -> bool:
    if not query:
        return True
    text = record.get("message") if isinstance(record, Mapping) else record
    return query.lower() in str(text).lower()


def _seq(record: Any) -> int:
    seq = record.get("seq") if isinstance(record, Mapping) else None
    return seq if isinstance(seq, int) else -1


def _show(state: State, record: Any) -> None:
    if state.output_format == "json":
        click.echo(json.dumps(record, ensure_ascii=False))
    elif state.output_format == "yaml":
        click.echo("---\n" + dump(record, "yaml"))
    else:
        click.echo(line(record) if isinstance(record, Mapping) else str(record))


def _in_order(records: Iterable[Any]) -> list[Any]:
    return sorted(records, key=_seq)


@click.command("logs")
@click.option(
    "--level",
    type=click.Choice(LEVELS, case_sensitive=False),
    help="Only records at this level or above.",
)
@click.option("--follow", is_flag=True, help="Keep printing new records until interrupted.")
@click.option("-q", "--query", metavar="TEXT", help="Only records whose message contains TEXT.")
@click.option("--limit", type=click.IntRange(1, 1000), help="At most this many records.")
@click.option(
    "--since", type=TimeType(forward=False), help="Only records after this time (ISO 8601 or 1h)."
)
@pass_state
def logs(
    state: State,
    level: str | None,
    follow: bool,
    query: str | None,
    limit: int | None,
    since: str | None,
) -> None:
    """Show the server's recent log records, oldest first."""
    params = {"level": level, "q": query, "since": since}
    if not follow:
        doc = state.client.get("/logs", {**params, "limit": limit})
        if not state.out.is_table:
            state.out.document(doc)
            return
        for record in _in_order(doc.get("items", [])):
            click.echo(line(record))
        return
    backlog = state.client.get("/logs", {**params, "limit": limit or FOLLOW_BACKLOG})
    last = -1
    for record in _in_order(backlog.get("items", [])):
        _show(state, record)
        last = max(last, _seq(record))
    for record in state.client.events("/logs/stream", {"level": level}):
        seq = _seq(record)
        # Records without a sequence number cannot be duplicates of the backlog: show them.
        if (seq < 0 or seq > last) and _matches(record, query):
            _show(state, record)
            last = max(last, seq)
    state.logger.info("the log stream ended")
