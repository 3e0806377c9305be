"""`keys`: API keys for scripts and programs. Everyone manages their own; admins all of them.

The server shows a key's secret once, in its answer to `create`; this is the only moment the
CLI can print it, so it says so next to it.
"""

from __future__ import annotations

from typing import Any

import click

from cli.client import path
from cli.params import TimeType
from cli.state import State, pass_state
from cli.table import Column, when

KEY_ORDER = ("id", "name", "username", "user_id", "created_at", "expires_at", "last_used_at")
KEY_FORMATS = {"created_at": when, "expires_at": when, "last_used_at": when}
KEY_COLUMNS = [
    Column("ID", "id", shrink=False),
    Column("NAME", "name"),
    Column("USER", "username"),
    Column("CREATED", "created_at", when, shrink=False),
    Column("EXPIRES", "expires_at", when, shrink=False),
]
ONCE = "Keep the secret now: it will not be shown again."


@click.group()
def keys() -> None:
    """API keys: list, create (the secret is shown once), revoke."""


@keys.command("list")
@click.option("--user", metavar="U", help="Only the keys of this user (admin; ID or username).")
@pass_state
def list_command(state: State, user: str | None) -> None:
    """List your API keys (an admin sees everyone's), without their secrets."""
    doc = state.client.get("/keys", {"user": user})
    state.out.items(doc, KEY_COLUMNS, empty="No keys.")


@keys.command("create")
@click.option("--name", metavar="N", help="What the key is for (up to 100 characters).")
@click.option("--user", metavar="U", help="Make the key for this user (admin). [default: you]")
@click.option(
    "--expires",
    type=TimeType(forward=True),
    metavar="TIME",
    help="When the key stops working: ISO 8601, or a duration such as 30d. [default: never]",
)
@pass_state
def create_command(state: State, name: str | None, user: str | None, expires: str | None) -> None:
    """Create an API key and print its secret, which is shown this once only."""
    body: dict[str, Any] = {"name": name, "user": user, "expires_at": expires}
    key = state.client.post("/keys", {k: v for k, v in body.items() if v is not None})
    state.out.item(key, ("secret", *KEY_ORDER), KEY_FORMATS)
    click.echo(f"warning: {ONCE}", err=True)


@keys.command("revoke")
@click.argument("key_id", metavar="KEY_ID")
@pass_state
def revoke(state: State, key_id: str) -> None:
    """Revoke an API key at once: requests made with it are refused from now on."""
    answer = state.client.delete(path("keys", key_id))
    state.out.message(f"Revoked key {key_id}.", answer)
