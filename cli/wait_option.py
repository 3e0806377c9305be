"""The `--wait-timeout` option of the commands that wait (`jobs run --wait`, `pipelines run
--wait`, `runs wait`, `webhooks test`).

It was called `--timeout`, which reads like the job's own timeout (`jobs create --timeout`), so
it was renamed; `--timeout` still works on these commands, hidden from the help, with a warning,
so that scripts written for 0.3.0 keep running until they are updated.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

DEPRECATED = "warning: --timeout is deprecated here (it is how long to wait); use --wait-timeout"


def wait_timeout_option(
    default: float, help: str, *, allow_zero: bool = False
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add `--wait-timeout S` (and the hidden old `--timeout S`); the command gets `timeout`."""
    kind = click.FloatRange(min=0, min_open=not allow_zero)

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(*args: Any, wait_timeout: float | None, old_timeout: float | None, **kw: Any):
            if old_timeout is not None:
                click.echo(DEPRECATED, err=True)
            chosen = wait_timeout if wait_timeout is not None else old_timeout
            return func(*args, timeout=default if chosen is None else chosen, **kw)

        wrapper = click.option("--timeout", "old_timeout", type=kind, hidden=True)(wrapper)
        return click.option(
            "--wait-timeout",
            type=kind,
            metavar="S",
            help=f"{help} [default: {default:g}]",
        )(wrapper)

    return decorate
