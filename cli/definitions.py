"""What jobs, pipelines, schedules and webhooks do the same way on the command line.

Each kind is described once (`Kind`); its group module lists its own options, and takes its
`list`, `create`, `update`, `delete`, `copy`, `run` and `runs` commands from the factories here,
so the groups cannot drift apart in behaviour, wording or exit codes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import click

from cli.client import path
from cli.fields import fields_body, require_fields, with_options
from cli.follow import watch_run
from cli.params import TimeType, parse_pairs
from cli.run_view import show_run
from cli.runs import limit_option, list_runs, state_option, wait_timeout_option
from cli.state import State, pass_state
from cli.states import OWNER_STATES
from cli.table import Column, aligned  # noqa: F401 - aligned: re-exported for the groups


@dataclass(frozen=True)
class Kind:
    """One kind of definition: its noun for people, its API route, and how one is shown."""

    noun: str
    route: str
    show: Callable[[State, Any], None]

    def item(self, ref: str, *more: str) -> str:
        return path(self.route, ref, *more)


def list_command(
    kind: Kind, columns: list[Column], help: str, *, by_state: bool = False
) -> click.Command:
    """`list [--tag T] [--state S] [-q TEXT] [--limit N]`; `--state` only with `by_state`."""
    plural = kind.route
    options = [click.option("--tag", metavar="T", help=f"Only {plural} with this tag.")]
    if by_state:
        states = click.Choice(OWNER_STATES, case_sensitive=False)
        state_help = f"Only {plural} whose latest run is in this state."
        options.append(click.option("--state", "owner_state", type=states, help=state_help))
    options += [
        click.option(
            "-q", "--query", metavar="TEXT", help=f"Only {plural} whose name contains TEXT."
        ),
        click.option("--limit", type=click.IntRange(1, 1000), help=f"At most this many {plural}."),
    ]

    @with_options(options)
    @pass_state
    def list_(state: State, owner_state: str | None = None, **params: Any) -> None:
        query = {"tag": params["tag"], "state": owner_state, "q": params["query"]}
        doc = state.client.get("/" + plural, {**query, "limit": params["limit"]})
        state.out.items(doc, columns, empty=f"No {plural}.")

    return click.command("list", help=help)(list_)


def edit_commands(
    group: click.Group,
    kind: Kind,
    options: list[Callable],
    required: Mapping[str, str],
    update_help: str,
    *,
    numbers: Iterable[str] = (),
    example: str = "",
) -> None:
    """Add `create` (options or `-f FILE`; `required` fields -> options) and `update ID`, which
    patches only the fields given; `numbers` are the fields sent as whole numbers when whole."""
    create_help = f"Create a {kind.noun} from options, or from a file with -f FILE.yaml."
    numbers = tuple(numbers)

    @with_options(options)
    @pass_state
    def create_(state: State, file: str | None, **fields: Any) -> None:
        body = fields_body(file, fields, numbers)
        require_fields(body, required)
        create(state, kind, body)

    @click.argument("ref", metavar="ID")
    @with_options(options)
    @pass_state
    def update_(state: State, ref: str, file: str | None, **fields: Any) -> None:
        update(state, kind, ref, fields_body(file, fields, numbers))

    help = f"{create_help}\n\n{example}" if example else create_help
    group.add_command(click.command("create", help=help)(create_))
    group.add_command(click.command("update", help=update_help)(update_))


def create(state: State, kind: Kind, body: dict[str, Any]) -> None:
    kind.show(state, state.client.post("/" + kind.route, body))


def update(state: State, kind: Kind, ref: str, body: dict[str, Any]) -> None:
    """Patch only the fields given; an empty change is a usage error, not a silent no-op."""
    if not body:
        raise click.UsageError("nothing to update: give at least one field option or --file")
    kind.show(state, state.client.patch(kind.item(ref), body))


def delete_command(kind: Kind, force_help: str | None = None) -> click.Command:
    """`delete ID [--force]`; without `force_help` the kind has no --force."""

    @pass_state
    def delete(state: State, ref: str, force: bool = False) -> None:
        answer = state.client.delete(kind.item(ref), {"force": True} if force else None)
        state.out.message(f"Deleted {kind.noun} {ref}.", answer)

    if force_help:
        delete = click.option("--force", is_flag=True, help=force_help)(delete)
    delete = click.argument("ref", metavar="ID")(delete)
    return click.command("delete", help=f"Delete a {kind.noun}.")(delete)


def copy_command(kind: Kind) -> click.Command:
    """`copy ID [--name N]`."""

    @click.command("copy", help=f"Copy a {kind.noun} under a new name.")
    @click.argument("ref", metavar="ID")
    @click.option("--name", help="Name of the copy. [default: <name>-copy]")
    @pass_state
    def copy(state: State, ref: str, name: str | None) -> None:
        body = {"name": name} if name else None
        kind.show(state, state.client.post(kind.item(ref, "copy"), body))

    return copy


def run_command(kind: Kind) -> click.Command:
    """`run ID [--wait [--quiet]] [--at TIME] [--env K=V]... [--secret-env K=V]...`."""

    @click.command("run", help=f"Start a run of the {kind.noun} now (or --at a time).")
    @click.argument("ref", metavar="ID")
    @click.option(
        "--wait",
        is_flag=True,
        help="Print the output as it comes, then the run's end; exit code 0 only on success.",
    )
    @click.option("--quiet", is_flag=True, help="With --wait: print only the run's final line.")
    @click.option(
        "--at",
        type=TimeType(forward=True, future=True),
        help="Run once at this time (ISO 8601, or from now: 10m, 1h30m).",
    )
    @click.option(
        "--env",
        multiple=True,
        metavar="K=V",
        callback=parse_pairs,
        help="Extra environment variable for this run, stored as given (repeatable).",
    )
    @click.option(
        "--secret-env",
        multiple=True,
        metavar="K=V",
        callback=parse_pairs,
        help="Secret variable for this run: encrypted at rest, shown as *** (repeatable).",
    )
    @wait_timeout_option
    @pass_state
    def run(
        state: State,
        ref: str,
        wait: bool,
        quiet: bool,
        at: str | None,
        env: dict[str, str] | None,
        secret_env: dict[str, str] | None,
        timeout: float,
    ) -> None:
        given = (("at", at), ("env", env), ("secret_env", secret_env))
        body = {key: value for key, value in given if value is not None}
        route = kind.item(ref, "run")
        run = state.client.post(route, body or None)
        if not wait:
            show_run(state, run)
            return
        # Started without the server's wait, so that Ctrl-C can name the run that goes on.
        watch_run(state, run, timeout, quiet=quiet)

    return run


def runs_command(kind: Kind) -> click.Command:
    """`runs ID [--state S] [--limit N]`: the runs of one job or pipeline, newest first."""

    @click.command("runs", help=f"List the runs of a {kind.noun}, newest first.")
    @click.argument("ref", metavar="ID")
    @state_option
    @limit_option
    @pass_state
    def runs(state: State, ref: str, run_state: str | None, limit: int | None) -> None:
        # The real ID: the runs filter takes IDs, the user may have typed a name.
        owner = state.client.get(kind.item(ref))
        list_runs(state, {"owner": owner["id"], "state": run_state, "limit": limit})

    return runs
