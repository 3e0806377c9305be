"""The schedule model: a cron expression in a time zone that launches jobs and pipelines.

Targets are given by ID or name and stored as IDs. A schedule's moving parts (the last fire it
handled, when it last fired, when it fires next) are kept apart in its `marks`, so editing a
schedule never loses them and firing never touches the definition.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Any

from orchestrator.errors import InvalidReference
from orchestrator.models.fields import MAX_LATENESS, Checker, now
from orchestrator.scheduling.cron import Cron, CronError

FIELD_ORDER = (
    "name",
    "cron",
    "timezone",
    "targets",
    "enabled",
    "misfire",
    "max_lateness",
    "description",
    "tags",
)


class Misfire(StrEnum):
    SKIP = "skip"
    RUN_ONCE = "run_once"
    RUN_ALL = "run_all"


def validate_schedule(
    body: Any, find_target: Callable[[str], dict | None], base: dict | None = None
) -> dict[str, Any]:
    """Check a create/replace body (base=None) or a patch on top of `base`."""
    check = Checker(body, set(FIELD_ORDER))
    if base is None:
        check.require(*("name", "cron"))
    fields: dict[str, Any] = dict(base) if base is not None else _fresh()
    if check.has("name"):
        fields["name"] = check.name()
    for name in ("cron", "timezone"):
        if check.has(name):
            fields[name] = check.string(name, min_len=1, max_len=200)
    if check.has("enabled"):
        fields["enabled"] = check.boolean("enabled")
    if check.has("misfire"):
        fields["misfire"] = check.choice("misfire", Misfire)
    if check.has("max_lateness"):
        fields["max_lateness"] = None
        if body["max_lateness"] is not None:
            fields["max_lateness"] = check.number(
                "max_lateness", exclusive=True, maximum=MAX_LATENESS
            )
    if check.has("description"):
        fields["description"] = check.string("description", max_len=2000)
    if check.has("tags"):
        fields["tags"] = check.string_list("tags")
    targets = check.string_list("targets", max_len=200) if check.has("targets") else None
    if not check.problems and fields.get("cron"):
        try:
            # A cron that names no existing day (31 February) is refused rather than stored.
            Cron(fields["cron"], fields["timezone"]).next_after(now())
        except CronError as err:
            field = "timezone" if "time zone" in str(err) else "cron"
            check.fail(field, str(err))
    check.done()
    if targets is not None:
        fields["targets"] = resolve_targets(targets, find_target)
    return {name: fields[name] for name in FIELD_ORDER}


def _fresh() -> dict[str, Any]:
    return {
        "timezone": "UTC",
        "targets": [],
        "enabled": True,
        "misfire": Misfire.RUN_ONCE.value,
        "max_lateness": None,
        "description": "",
        "tags": [],
    }


def resolve_targets(refs: list[str], find_target: Callable[[str], dict | None]) -> list[str]:
    """Job or pipeline IDs for the given IDs or names; InvalidReference names the unknown."""
    found, unknown = [], []
    for ref in refs:
        target = find_target(ref)
        if target is None:
            unknown.append(ref)
        elif target["id"] not in found:
            found.append(target["id"])
    if unknown:
        names = ", ".join(f"'{ref}'" for ref in unknown)
        raise InvalidReference(
            f"No job or pipeline has the ID or name {names}.", {"fields": {"targets": names}}
        )
    return found


def cron_of(schedule: dict) -> Cron:
    return Cron(schedule["cron"], schedule["timezone"])


def next_fire(schedule: dict, after: datetime) -> tuple[datetime | None, str | None]:
    """The schedule's next fire after `after`, or (None, why) when it cannot be computed.

    A stored schedule may hold a cron that never fires (stored before validation refused it)
    or a time zone that has left the system's database; it is shown, never an error.
    """
    try:
        return cron_of(schedule).next_after(after), None
    except CronError as err:
        return None, str(err)
