"""How a definition's fields get from the command line into a request body.

Options carry the API's field names, so a body is the file given with `-f` (same shape as the
API's body) overlaid with the options actually given: `create` posts it, `update` patches only
those fields. Jobs, pipelines, schedules and webhooks all build their bodies this way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import click

from cli.params import load_body

F = TypeVar("F", bound=Callable[..., Any])


def file_option(noun: str) -> Callable:
    """`-f FILE`: the fields of a body as the API takes them, in YAML or JSON."""
    return click.option(
        "-f",
        "--file",
        metavar="FILE",
        help=f"YAML or JSON file with the {noun}'s fields as in the API's body (- reads stdin); "
        "options given as well override its fields.",
    )


def name_option() -> Callable:
    return click.option("--name", help="Unique name (1-100 characters).")


def tag_option() -> Callable:
    return click.option(
        "--tag", "tags", multiple=True, metavar="T", help="Tag (repeatable; replaces on update)."
    )


def description_option() -> Callable:
    return click.option("--description", metavar="TEXT", help="Free text.")


def enabled_option(help: str) -> Callable:
    return click.option("--enabled/--disabled", default=None, help=help)


def with_options(options: Iterable[Callable]) -> Callable[[F], F]:
    """A decorator giving a command every option of `options`, in that order."""
    options = list(options)

    def decorate(func: F) -> F:
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


def number(value: float) -> float | int:
    """Whole seconds travel as integers: "--max-lateness 10" should read 10, not 10.0."""
    return int(value) if float(value).is_integer() else value


def fields_body(
    file: str | None, fields: Mapping[str, Any], numbers: Iterable[str] = ()
) -> dict[str, Any]:
    """The body: the file's fields, then every option that was given (options carry the API's
    field names; repeatable ones replace the whole list)."""
    body = load_body(file) if file else {}
    numbers = set(numbers)
    for key, value in fields.items():
        if value is None or value == ():
            continue
        if key in numbers:
            value = number(value)
        body[key] = list(value) if isinstance(value, tuple) else value
    return body


def require_fields(body: Mapping[str, Any], options: Mapping[str, str]) -> None:
    """A usage error naming the options (field -> option) missing from both options and file."""
    missing = [option for key, option in options.items() if body.get(key) in (None, "", [])]
    if missing:
        raise click.UsageError(f"missing {', '.join(missing)} (give them as options or in --file)")
