"""Failures the CLI reports as one line on stderr, with the exit code CLI.md assigns to each.

Click's own `UsageError` (exit 2) covers bad command lines; `Failure` (exit 1) covers everything
else the user should read as a plain sentence rather than a traceback.
"""

from __future__ import annotations

import click


class Failure(click.ClickException):
    """A problem that is not the command line's fault: exit code 1, one line on stderr."""

    exit_code = 1

    def show(self, file=None) -> None:  # noqa: ANN001 - click's signature
        click.echo(f"error: {self.format_message()}", err=True, file=file)
