"""`backup FILE`: a consistent copy of the server's store, made while it runs (admin).

The server copies its SQLite file with SQLite's online backup API and sends it; the CLI writes it
to FILE, owner-only from the first byte (it holds every secret, encrypted, and the API keys'
hashes), and never over an existing file unless told to with --force.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from cli.client import ApiError
from cli.errors import Failure
from cli.state import State, pass_state
from cli.table import size

# Copying a large store and sending it may take a while; this is a ceiling, not a wait.
BACKUP_TIMEOUT = 600.0


@click.command("backup")
@click.argument("file", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@pass_state
def backup(state: State, file: str, force: bool) -> None:
    """Copy the server's store to FILE while the server runs (admin).

    Restore: stop the server, put FILE in place of orchestrator.sqlite in its data directory
    (with the same secret.key), start it.
    """
    target = Path(file)
    if target.exists() and not force:
        raise Failure(f"{file} exists; give --force to overwrite it")
    partial = target.with_name(f".{target.name}.part")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(partial, flags, 0o600)
    except OSError as err:
        raise Failure(f"cannot write {file}: {err.strerror or err}") from None
    try:
        with os.fdopen(fd, "wb") as sink:
            written = state.client.download("/system/backup", sink, timeout=BACKUP_TIMEOUT)
        os.chmod(partial, 0o600)
        # Only a complete copy takes FILE's name: a broken download never replaces a backup.
        os.replace(partial, target)
    except (ApiError, OSError, KeyboardInterrupt) as err:
        partial.unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise Failure(f"cannot write {file}: {err.strerror or err}") from None
        raise
    state.logger.info("backup written to %s (%d bytes)", target, written)
    click.echo(f"Backed up the store to {target} ({size(written)}).")
