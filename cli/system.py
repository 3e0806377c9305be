"""Commands about the server itself: `version`, `health`, and `log-level get|set`."""

from __future__ import annotations

from collections.abc import Mapping

import click

from cli import VERSION_DISPLAY, __version__
from cli.client import ApiError
from cli.errors import Failure
from cli.state import State, pass_state

LEVELS = ("debug", "info", "warning", "error")


@click.command("version")
@pass_state
def version(state: State) -> None:
    """Show the versions of this client and of the server."""
    client = {"version": __version__, "display": VERSION_DISPLAY}
    try:
        server = state.client.get("/version")
    except ApiError as err:
        # The client's own version is worth printing even when the server cannot answer.
        if state.out.is_table:
            click.echo(f"client  {VERSION_DISPLAY}")
        raise Failure(err.message) from err
    if not state.out.is_table:
        state.out.document({"client": client, "server": server})
        return
    if isinstance(server, Mapping):
        server_text = server.get("display") or server.get("version")
    else:
        server_text = server
    click.echo(f"client  {VERSION_DISPLAY}")
    click.echo(f"server  {server_text} ({state.settings.server})")


@click.command("health")
@pass_state
def health(state: State) -> None:
    """Check that the server answers; exit code 1 if it does not or is not ok."""
    doc = state.client.get("/health")
    status = doc.get("status") if isinstance(doc, Mapping) else doc
    state.out.message(f"{state.settings.server}: {status}", doc)
    if status != "ok":
        raise click.exceptions.Exit(1)


@click.group("log-level")
def log_level() -> None:
    """Read or change the server's log level while it runs (admin to change)."""


@log_level.command("get")
@pass_state
def get(state: State) -> None:
    """Show the server's current log level."""
    doc = state.client.get("/system/log-level")
    state.out.message(str(doc.get("level") if isinstance(doc, Mapping) else doc), doc)


@log_level.command("set")
@click.argument("level", type=click.Choice(LEVELS, case_sensitive=False))
@pass_state
def set_level(state: State, level: str) -> None:
    """Change the server's log level to LEVEL."""
    doc = state.client.put("/system/log-level", {"level": level.lower()})
    shown = doc.get("level", level) if isinstance(doc, Mapping) else level
    state.out.message(f"Log level set to {shown}.", doc)
