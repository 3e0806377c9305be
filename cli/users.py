"""`users`: the people and programs that may call the server, and their roles (admins only).

Passwords are asked at a hidden prompt unless given as an option, so they need not end up in
the shell's history.
"""

from __future__ import annotations

from typing import Any

import click

from cli.definitions import Kind, delete_command
from cli.state import State, pass_state
from cli.table import Column, when

ROLES = ("admin", "writer", "reader")
USER_ORDER = ("id", "username", "role", "enabled", "created_at", "created_by", "updated_at")
USER_FORMATS = {"created_at": when, "updated_at": when}
USER_COLUMNS = [
    Column("ID", "id", shrink=False),
    Column("USERNAME", "username"),
    Column("ROLE", "role", shrink=False),
    Column("ENABLED", "enabled", shrink=False),
    Column("CREATED", "created_at", when, shrink=False),
]
# Not `required=True`: click would list the choices over several lines; CLI.md wants one.
role_option = click.option(
    "--role",
    type=click.Choice(ROLES, case_sensitive=False),
    help="admin: everything; writer: change and run definitions; reader: read only.",
)


def show_user(state: State, user: Any) -> None:
    state.out.item(user, USER_ORDER, USER_FORMATS)


USER = Kind("user", "users", show_user)


def ask_password() -> str:
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.group()
def users() -> None:
    """Users and their roles (admin only); an ID argument also takes a username."""


@users.command("list")
@pass_state
def list_command(state: State) -> None:
    """List users, oldest first."""
    state.out.items(state.client.get("/users"), USER_COLUMNS, empty="No users.")


@users.command("get")
@click.argument("ref", metavar="ID")
@pass_state
def get(state: State, ref: str) -> None:
    """Show one user."""
    show_user(state, state.client.get(USER.item(ref)))


@users.command("create")
@click.option("--username", required=True, metavar="U", help="1-64 letters, digits, _ . @ -")
@role_option
@click.option(
    "--password",
    metavar="P",
    help="The new user's password. [default: prompt twice without echo]",
)
@click.option("--disabled", is_flag=True, help="Create the user unable to sign in for now.")
@pass_state
def create_command(
    state: State, username: str, role: str | None, password: str | None, disabled: bool
) -> None:
    """Create a user who then signs in with `login` (or gets a key from `keys create`)."""
    if role is None:
        raise click.UsageError(f"missing --role ({', '.join(ROLES)})")
    body = {"username": username, "role": role.lower(), "password": password or ask_password()}
    if disabled:
        body["enabled"] = False
    show_user(state, state.client.post("/users", body))


@users.command("update")
@click.argument("ref", metavar="ID")
@role_option
@click.option("--password", metavar="P", help="A new password (ends the user's sessions).")
@click.option("--prompt-password", is_flag=True, help="Ask for the new password without echo.")
@click.option("--enable/--disable", "enabled", default=None, help="Allow or stop their access.")
@pass_state
def update_command(
    state: State,
    ref: str,
    role: str | None,
    password: str | None,
    prompt_password: bool,
    enabled: bool | None,
) -> None:
    """Change a user's role, password or access; disabling revokes their keys and sessions."""
    if password is not None and prompt_password:
        raise click.UsageError("give --password or --prompt-password, not both")
    body: dict[str, Any] = {}
    if role is not None:
        body["role"] = role.lower()
    if enabled is not None:
        body["enabled"] = enabled
    if not body and password is None and not prompt_password:
        raise click.UsageError(
            "nothing to update: give --role, --password, --prompt-password, --enable or --disable"
        )
    if prompt_password:
        password = ask_password()
    if password is not None:
        body["password"] = password
    show_user(state, state.client.patch(USER.item(ref), body))


users.add_command(delete_command(USER))
