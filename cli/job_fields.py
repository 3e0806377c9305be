"""The job's fields as command-line options, shared by `jobs create` and `jobs update`.

Options carry the API's field names, so a body is the file given with `-f` (same shape as the
API's body) overlaid with the options actually given: `create` posts it, `update` patches only
those fields.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from cli.params import load_body, parse_pairs

F = TypeVar("F", bound=Callable[..., Any])
REQUIRED = ("name", "command", "workdir")

_OPTIONS = [
    click.option(
        "-f",
        "--file",
        metavar="FILE",
        help="YAML or JSON file with the job's fields as in the API's body (- reads stdin); "
        "options given as well override its fields.",
    ),
    click.option("--name", help="Unique name (1-100 characters)."),
    click.option("--command", help="Shell command to run."),
    click.option("--workdir", metavar="DIR", help="Absolute working directory on the server."),
    click.option(
        "--timeout",
        type=click.FloatRange(min=0, min_open=True),
        metavar="S",
        help="Seconds before the run is killed.",
    ),
    click.option("--max-attempts", type=click.IntRange(min=1), metavar="N", help="Attempts."),
    click.option(
        "--retry-delay",
        type=click.FloatRange(min=0),
        metavar="S",
        help="Seconds between attempts.",
    ),
    click.option("--max-concurrent", type=click.IntRange(min=1), metavar="N", help="Runs at once."),
    click.option(
        "--env",
        multiple=True,
        metavar="K=V",
        callback=parse_pairs,
        help="Environment variable (repeatable; replaces the whole set on update).",
    ),
    click.option(
        "--secret-env",
        multiple=True,
        metavar="K=V",
        callback=parse_pairs,
        help="Secret environment variable, encrypted at rest (repeatable).",
    ),
    click.option(
        "--tag", "tags", multiple=True, metavar="T", help="Tag (repeatable; replaces on update)."
    ),
    click.option("--description", metavar="TEXT", help="Free text."),
    click.option("--enabled/--disabled", default=None, help="Whether the job may run."),
]


def job_field_options(func: F) -> F:
    """Decorate a command with every job field option (and `-f FILE`)."""
    for option in reversed(_OPTIONS):
        func = option(func)
    return func


def _number(value: float) -> float | int:
    # Whole seconds travel as integers: "--timeout 10" should read 10 in the job, not 10.0.
    return int(value) if float(value).is_integer() else value


def job_body(file: str | None, fields: dict[str, Any]) -> dict[str, Any]:
    """The body: the file's fields, then every option that was given."""
    body = load_body(file) if file else {}
    for key, value in fields.items():
        if value is None or value == ():
            continue
        if key in ("timeout", "retry_delay"):
            value = _number(value)
        body[key] = list(value) if isinstance(value, tuple) else value
    return body


def require_fields(body: dict[str, Any]) -> None:
    """`jobs create` needs a name, a command and a working directory, from options or file."""
    missing = [key for key in REQUIRED if body.get(key) in (None, "")]
    if missing:
        names = ", ".join(f"--{key}" for key in missing)
        raise click.UsageError(f"missing {names} (give them as options or in --file)")
