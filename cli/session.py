"""`login`, `logout`, `whoami`: a session on the server for a person at a terminal.

`login` trades a username and password for a session token and keeps it, with the server's URL,
in the CLI configuration file (readable by its owner only), where later commands find it as
they would an API key. An explicit --api-key or ORCH_API_KEY still wins over the file.
"""

from __future__ import annotations

import os
from typing import Any

import click

from cli.client import ApiClient, ApiError
from cli.config import ConfigFileError, config_path, load_file, save_file
from cli.errors import Failure
from cli.state import State, pass_state
from cli.table import when

# What `login` writes besides the server URL, and `logout` removes again.
SESSION_KEYS = ("token", "username", "expires_at")
WHOAMI_ORDER = ("username", "role", "user_id", "via", "token_id", "expires_at", "server")


def _stored() -> dict[str, Any]:
    try:
        return load_file()
    except ConfigFileError as err:
        raise Failure(str(err)) from None


def _save(data: dict[str, Any]) -> None:
    try:
        save_file(data)
    except OSError as err:
        raise Failure(f"cannot write {config_path()}: {err.strerror or err}") from None


def _overridden(state: State, stored: dict[str, Any]) -> str | None:
    """What will be sent instead of the session token, if anything (`resolve`'s order)."""
    if state.api_key_option:
        return "--api-key"
    if os.environ.get("ORCH_API_KEY"):
        return "ORCH_API_KEY"
    if stored.get("api_key"):
        return f"the api_key in {config_path()}"
    return None


@click.command("login")
@click.option("--username", prompt=True, metavar="U", help="Who signs in. [default: prompt]")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    metavar="P",
    help="The password. [default: prompt without echo, which keeps it out of the shell history]",
)
@pass_state
def login(state: State, username: str, password: str) -> None:
    """Sign in and keep the session token for later commands."""
    server = state.settings.server
    # No credential on purpose: a stale token from the file must not spoil the sign-in.
    try:
        answer = ApiClient(server).post("/auth/login", {"username": username, "password": password})
    except ApiError as err:
        if err.status != 401:
            raise
        # Here a 401 is a wrong password, not a missing key: no hint about --api-key.
        raise Failure(err.message) from None
    stored = _stored()
    user = answer.get("user") or {}
    stored.update(
        server=server,
        token=answer["token"],
        username=user.get("username", username),
        expires_at=answer.get("expires_at"),
    )
    _save(stored)
    state.logger.info("signed in to %s as %s", server, stored["username"])
    state.out.message(
        f"Signed in to {server} as {stored['username']} ({user.get('role', '?')}) until "
        f"{when(answer.get('expires_at'))}; the token is kept in {config_path()}.",
        answer,
    )
    winner = _overridden(state, stored)
    if winner:
        click.echo(f"note: {winner} is used instead of this session while it is set.", err=True)


@click.command("logout")
@pass_state
def logout(state: State) -> None:
    """End the stored session on the server and forget its token."""
    stored = _stored()
    token = stored.get("token")
    if not token:
        state.out.message(f"Not signed in: {config_path()} holds no session token.")
        return
    # The session belongs to the server that issued it, whatever --server says today.
    server = str(stored.get("server") or state.settings.server)
    note = ""
    try:
        ApiClient(server, str(token)).post("/auth/logout")
    except ApiError as err:
        # Any other failure keeps the token, so that a later logout can still revoke it.
        if err.status != 401:
            raise
        note = " (the session had already ended)"
    for key in SESSION_KEYS:
        stored.pop(key, None)
    _save(stored)
    state.logger.info("signed out of %s", server)
    state.out.message(f"Signed out of {server}{note}.")


@click.command("whoami")
@pass_state
def whoami(state: State) -> None:
    """Show the user and role behind the credential in use, and how it was given."""
    doc = state.client.get("/me")
    if state.out.is_table and isinstance(doc, dict):
        doc = {**doc, "server": state.settings.server}
    state.out.item(doc, WHOAMI_ORDER, {"expires_at": when})
