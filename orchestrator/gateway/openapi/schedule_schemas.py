"""Schemas of schedules: the cron definition a client sends (with the rules for time zones,
daylight saving and missed fires, since this is where users look them up), the schedule the
server answers with, and the answer of a manual fire."""

from __future__ import annotations

from orchestrator.gateway.openapi.common import B32, Schema, obj, ref
from orchestrator.gateway.openapi.definitions import definition_schemas, name_field, note_fields
from orchestrator.gateway.openapi.schemas import maybe_time, timestamp

CRON_TEXT = """Cron expression (croniter syntax): 5 fields `minute hour day-of-month month
day-of-week`, or 6 with **seconds first** (`second minute hour day-of-month month
day-of-week`: `*/10 * * * * *` fires every 10 seconds). A field takes `*`, a number, a range
`1-5`, a list `1,15`, a step `*/15` or `0-30/5`; months and week days also take names (`JAN`,
`MON-FRI`), 0 and 7 are Sunday, day-of-month takes `L` (last day) and day-of-week `MON#1`
(first Monday). When both day fields are restricted, a day matching either one fires (as in
classic cron: `0 0 13 * FRI` fires on the 13th and on every Friday). Not supported: macros
(`@daily`), a year field, hashed and random values (`H`, `R`). The fields are wall-clock time
in `timezone`. A bad expression is a 400 `validation_error` naming `cron`, and so is one
that never fires (no time matches it within 10 years, like `0 0 31 2 *`; `0 0 29 2 *` is
valid)."""

TIMEZONE_TEXT = """IANA time zone name, exactly as spelled there (`Europe/Berlin`,
`America/New_York`, `UTC`); offsets like `+02:00` are not zones. Default `UTC`. An unknown zone
is a 400 `validation_error` naming `timezone`. The cron fields are read as wall-clock time in
this zone, and daylight-saving changes follow classic cron:

- **Skipped hour** (spring, clocks jump from 02:00 to 03:00): a time in it (`30 2 * * *`)
  fires **once, at the instant the clocks jump** (03:00 new time), however many times of that
  hour the expression names (`*/30 * * * *` fires once there, not twice).
- **Repeated hour** (autumn, 02:00-03:00 happens twice): a time in it fires **once**, in its
  first occurrence (`30 2 * * *` fires at 02:30 summer time only), **unless the hour field is
  `*`** (or starts with `*`, as `*/2` does): such an expression fires in both occurrences, so
  `0 * * * *` keeps its rhythm in real time and fires every hour, 25 times that day.

Times in answers (`next_fire_at`, ...) are UTC."""

MISFIRE_TEXT = """What the schedule does, when the server starts, about the fires it missed
while the server was down:

- `skip`: nothing; it waits for its next due time.
- `run_once` (default): if at least one fire was missed (within `max_lateness`), it fires
  once, right away.
- `run_all`: it fires once for every missed fire (within `max_lateness`), all right away, but
  only for the fires of the last 24 hours and at most the 1000 most recent.

Each of these fires follows the usual rules: all targets at once, and a target already at its
`max_concurrent` is skipped (with the default of 1, `run_all` starts one run per target, since
the first catch-up run is still going when the next fires). Fires missed while the schedule was
paused, or before a change to it, are never caught up."""


def schedule_fields() -> dict[str, Schema]:
    """The fields a client sets, on create, replace and patch alike."""
    return {
        "name": name_field("Unique among schedules; usable wherever a schedule ID is."),
        "cron": {
            "type": "string",
            "minLength": 1,
            "maxLength": 200,
            "description": CRON_TEXT,
            "examples": ["0 2 * * *", "*/15 * * * 1-5", "0 */10 * * * *"],
        },
        "timezone": {
            "type": "string",
            "minLength": 1,
            "maxLength": 200,
            "default": "UTC",
            "description": TIMEZONE_TEXT,
        },
        "targets": {
            "type": "array",
            "items": {"type": "string", "minLength": 1, "maxLength": 200},
            "default": [],
            "description": "Jobs and pipelines to start at each fire, by ID (any case) or "
            "name, mixed freely; stored as IDs (renaming a target does not break the "
            "schedule; duplicates are dropped). One that does not exist is a 422 "
            "`invalid_reference` naming it; a name that is both a job's and a pipeline's is a "
            "409 (use the ID). May be empty: the schedule then fires nothing.",
        },
        "enabled": {
            "type": "boolean",
            "default": True,
            "description": "False: paused (the same as `POST /schedules/{id}/pause`).",
        },
        "misfire": {
            "type": "string",
            "enum": ["skip", "run_once", "run_all"],
            "default": "run_once",
            "description": MISFIRE_TEXT,
        },
        "max_lateness": {
            "type": ["number", "null"],
            "exclusiveMinimum": 0,
            "maximum": 31622400,
            "default": None,
            "description": "Seconds, at most 31622400 (366 days). At server start, a missed "
            "fire older than this is not caught up (with `run_once`: nothing fires when the "
            "latest missed fire is older). Null: no limit.",
        },
        **note_fields(),
    }


def schemas() -> dict[str, Schema]:
    owner_id = {"type": "string", "pattern": f"^[JP]{B32}{{8}}$"}
    output = {
        **schedule_fields(),
        "targets": {
            "type": "array",
            "items": owner_id,
            "description": "IDs of the jobs and pipelines it starts, in the order given.",
        },
        "id": {"type": "string", "pattern": f"^S{B32}{{8}}$", "examples": ["S3M5Q7T9W"]},
        "created_at": timestamp("When the schedule was created."),
        "updated_at": timestamp("When the schedule was last changed."),
        "created_by": {"type": "string", "description": "Username of the creator."},
        "target_names": {
            "type": "object",
            "additionalProperties": {"type": ["string", "null"]},
            "description": "Each target's ID mapped to its current name.",
        },
        "next_fire_at": maybe_time(
            "When it fires next (UTC); null while paused, or when it cannot fire "
            "(see `next_fire_error`)."
        ),
        "next_fire_error": {
            "type": ["string", "null"],
            "description": "Why the next fire time cannot be computed, else null: a cron "
            "that names no existing day (stored before such crons were refused) or a time "
            "zone missing from the server's time zone database. Such a schedule never fires "
            "until it is edited.",
        },
        "last_fired_at": maybe_time(
            "When it last fired (at a due time, catching up at server start, or by "
            "`POST /schedules/{id}/trigger`); null if never."
        ),
    }
    return {
        **definition_schemas(
            "Schedule",
            schedule_fields(),
            ["name", "cron"],
            "A new schedule, or the full replacement of one (`PUT`): optional fields left out "
            "take their defaults (`targets` left out becomes empty).",
            "Only the fields sent change; `targets`, if sent, replaces the list.",
            output,
        ),
        "TargetInput": obj(
            {
                "target": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 200,
                    "description": "Job or pipeline ID (any case) or name.",
                }
            },
            ["target"],
        ),
        "TriggerResult": obj(
            {
                "runs": {
                    "type": "array",
                    "items": ref("Run"),
                    "description": "The runs started, one per target that could start, "
                    "in `targets` order.",
                },
                "skipped": {
                    "type": "array",
                    "items": obj(
                        {
                            "target": {**owner_id, "description": "ID of the target."},
                            "reason": {"type": "string", "description": "Why it did not start."},
                        },
                        ["target", "reason"],
                    ),
                    "description": "The targets not started by this fire, with the reason: "
                    "already `max_concurrent` runs going, or disabled.",
                },
            },
            ["runs", "skipped"],
            description="What one fire started and what it skipped.",
        ),
    }
