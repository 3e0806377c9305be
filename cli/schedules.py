"""`schedules`: cron definitions that launch jobs and pipelines, their targets, pause and resume,
and firing one by hand."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click

from cli.definitions import (
    Kind,
    aligned,
    copy_command,
    delete_command,
    edit_commands,
    list_command,
)
from cli.fields import description_option, enabled_option, file_option, name_option, tag_option
from cli.state import State, pass_state
from cli.table import Column, cell, seconds, when

SCHEDULE_ORDER = (
    "id",
    "name",
    "enabled",
    "cron",
    "timezone",
    "next_fire_at",
    "next_fire_error",
    "last_fired_at",
    "targets",
    "misfire",
    "max_lateness",
    "tags",
    "description",
    "created_at",
    "created_by",
    "updated_at",
)
SCHEDULE_FORMATS = {"max_lateness": seconds}
REQUIRED = {"name": "--name", "cron": "--cron"}


def target_names(schedule: Mapping[str, Any]) -> list[str]:
    """The targets by name (by ID when the server knows no name for one)."""
    names = schedule.get("target_names") or {}
    return [names.get(target) or target for target in schedule.get("targets") or []]


SCHEDULE_COLUMNS = [
    Column("ID", "id", shrink=False),
    Column("NAME", "name"),
    Column("CRON", "cron", shrink=False),
    Column("TIMEZONE", "timezone"),
    Column("ENABLED", "enabled", shrink=False),
    Column("NEXT FIRE", "next_fire_at", when, shrink=False),
    Column("TARGETS", target_names),
]
TRIGGER_COLUMNS = [
    Column("RUN", "id", shrink=False),
    Column("KIND", "kind", shrink=False),
    Column("TARGET", lambda run: run.get("owner_name") or run.get("owner_id")),
    Column("STATE", "state", shrink=False),
]

_OPTIONS = [
    file_option("schedule"),
    name_option(),
    click.option(
        "--cron",
        metavar="EXPR",
        help="Cron expression: 5 fields, or 6 with seconds first ('*/2 * * * * *').",
    ),
    click.option("--timezone", metavar="ZONE", help="IANA time zone of the cron. [default: UTC]"),
    click.option(
        "--target",
        "targets",
        multiple=True,
        metavar="ID",
        help="Job or pipeline (ID or name) to launch (repeatable; replaces all on update).",
    ),
    click.option(
        "--misfire",
        type=click.Choice(("skip", "run_once", "run_all")),
        help="Fires missed while the server was down: skip them, run once, or run each. "
        "[default: run_once]",
    ),
    click.option(
        "--max-lateness",
        type=click.FloatRange(min=0, min_open=True),
        metavar="S",
        help="Seconds after which a missed fire is skipped whatever --misfire says.",
    ),
    description_option(),
    tag_option(),
    enabled_option("Whether the schedule fires."),
]


def show_schedule(state: State, schedule: Any) -> None:
    """The schedule; in a table its targets read one per line, name then ID."""
    if not state.out.is_table or not isinstance(schedule, Mapping):
        state.out.item(schedule)
        return
    names = schedule.get("target_names") or {}
    view = {key: value for key, value in schedule.items() if key != "target_names"}
    if view.get("next_fire_error") is None:  # shown only when the schedule cannot fire
        view.pop("next_fire_error", None)
    rows = [[names.get(target) or "(unknown)", target] for target in view.get("targets") or []]
    view["targets"] = aligned(rows) if rows else "-"
    state.out.item(view, SCHEDULE_ORDER, SCHEDULE_FORMATS)


SCHEDULE = Kind("schedule", "schedules", show_schedule)


@click.group()
def schedules() -> None:
    """Schedules: cron times at which jobs and pipelines are launched together."""


schedules.add_command(
    list_command(
        SCHEDULE, SCHEDULE_COLUMNS, "List schedules with their next fire time and targets."
    )
)


@schedules.command("get")
@click.argument("ref", metavar="ID")
@pass_state
def get(state: State, ref: str) -> None:
    """Show one schedule: next fire time, last fire, targets."""
    show_schedule(state, state.client.get(SCHEDULE.item(ref)))


edit_commands(
    schedules,
    SCHEDULE,
    _OPTIONS,
    REQUIRED,
    "Change the given fields of a schedule (--target replaces all its targets).",
    numbers=("max_lateness",),
)
schedules.add_command(delete_command(SCHEDULE))
schedules.add_command(copy_command(SCHEDULE))


@schedules.command("add-target")
@click.argument("ref", metavar="ID")
@click.argument("target", metavar="TARGET")
@pass_state
def add_target(state: State, ref: str, target: str) -> None:
    """Make the schedule launch TARGET (a job or pipeline, by ID or name) too."""
    show_schedule(state, state.client.post(SCHEDULE.item(ref, "targets"), {"target": target}))


@schedules.command("remove-target")
@click.argument("ref", metavar="ID")
@click.argument("target", metavar="TARGET")
@pass_state
def remove_target(state: State, ref: str, target: str) -> None:
    """Stop the schedule from launching TARGET (by ID or name)."""
    show_schedule(state, state.client.delete(SCHEDULE.item(ref, "targets", target)))


@schedules.command("pause")
@click.argument("ref", metavar="ID")
@pass_state
def pause(state: State, ref: str) -> None:
    """Stop the schedule from firing until it is resumed."""
    show_schedule(state, state.client.post(SCHEDULE.item(ref, "pause")))


@schedules.command("resume")
@click.argument("ref", metavar="ID")
@pass_state
def resume(state: State, ref: str) -> None:
    """Let a paused schedule fire again (fires missed while paused are not caught up)."""
    show_schedule(state, state.client.post(SCHEDULE.item(ref, "resume")))


@schedules.command("trigger")
@click.argument("ref", metavar="ID")
@pass_state
def trigger(state: State, ref: str) -> None:
    """Fire the schedule now: print the runs started and the targets skipped, with why.

    Skipped targets (a job still running at its max_concurrent, for example) do not change the
    exit code: the schedule did fire.
    """
    doc = state.client.post(SCHEDULE.item(ref, "trigger"))
    if not state.out.is_table:
        state.out.document(doc)
        return
    started, skipped = doc.get("runs") or [], doc.get("skipped") or []
    state.out.items({"items": started}, TRIGGER_COLUMNS, empty="No runs started.")
    if skipped:
        # The answer names skipped targets by ID; the schedule knows their names.
        names = state.client.get(SCHEDULE.item(ref)).get("target_names") or {}
        for item in skipped:
            target = item.get("target")
            shown = f"{names[target]} ({target})" if names.get(target) else cell(target)
            click.echo(f"skipped {shown}: {item.get('reason')}")
