"""Paths of the schedules resource: create, list, read, replace, patch, delete and copy, the
targets, pause, resume and trigger."""

from __future__ import annotations

from typing import Any

from orchestrator.gateway.openapi.backlog import too_many_runs
from orchestrator.gateway.openapi.common import Examples, body, operation, param, ref, reply
from orchestrator.gateway.openapi.definitions import Kind, definition_paths, filters
from orchestrator.gateway.openapi.schedule_examples import (
    SCHEDULE_EXAMPLE,
    SCHEDULE_OUTPUT_EXAMPLE,
    TRIGGER_EXAMPLE,
    TRIGGER_SKIP_EXAMPLE,
)

TAG = {
    "name": "schedules",
    "description": """A schedule starts jobs and pipelines (its **targets**) on a cron
expression in a time zone. Schedule IDs are `S` plus 8 Crockford base32 characters.

**Firing.** At each due time every target starts at once, in parallel, as a run whose
`trigger` is `{"type": "schedule", "by": "<schedule ID>"}`. A target is **skipped** for that
fire when it is disabled, or when it already has `max_concurrent` runs scheduled, queued,
running or retrying (a job's runs as a pipeline step and its runs planned with `at` count too;
pipelines have `max_concurrent` for this, default 1), so a slow run is never doubled up. The
schedule logs every fire, each skip with its reason (`GET /logs?q=schedule`), each catch-up
and each change.

**Changes take effect at once.** Any change (create, replace, patch, copy, targets, pause,
resume) re-arms the schedule from the time of the change: `next_fire_at` is the next due time
after it, and fires missed before it (while paused, for example) are not caught up. Fires
missed while the server was down are handled by `misfire` when it starts.

**Targets** see the schedule: a job's and a pipeline's `next_run_at` include the next fire
of every enabled schedule that targets them. Deleting a job or pipeline that a schedule
targets is a 409 (`details.schedules` lists the schedules) unless `force=true`, which also
removes it from those schedules.""",
}
SCHEDULE = Kind("schedule", "S3M5Q7T9W", SCHEDULE_OUTPUT_EXAMPLE)
SCHEDULE_ID = SCHEDULE.id_param
REARM = "The schedule is re-armed at once; missed fires are not caught up."


def _action(description: str, answer: str, example: dict | None = None) -> dict[str, Any]:
    """A POST on one schedule without a body that answers the schedule (pause, resume)."""
    return {
        "parameters": [SCHEDULE_ID],
        "post": operation(
            description,
            {"200": SCHEDULE.answer(answer, example)},
        ),
    }


def paths() -> dict[str, Any]:
    paused = {**SCHEDULE_OUTPUT_EXAMPLE, "enabled": False, "next_fire_at": None}
    return {
        **definition_paths(
            SCHEDULE,
            create=(
                "Create a schedule; it is armed at once (unless `enabled` is false). A bad "
                "`cron` or `timezone`, a bad value or an unknown field is a 400 "
                "`validation_error` naming the field; an unknown target a 422 "
                "`invalid_reference`; a name already in use, or a target name that is both a "
                "job's and a pipeline's, a 409.",
                SCHEDULE_EXAMPLE,
            ),
            listing=(
                "Schedules matching every filter given, one page at a time.",
                filters(SCHEDULE),
            ),
            get="One schedule, with its next and last fire and its targets' current names.",
            replace=(
                "Full replacement: optional fields left out go back to their defaults "
                "(`targets` to none). The ID and `last_fired_at` stay. " + REARM,
                SCHEDULE_EXAMPLE,
            ),
            patch=(
                "Only the fields sent change; the result is validated as a whole. " + REARM,
                {"cron": "30 1 * * 1-5", "timezone": "Europe/Paris"},
            ),
            delete=(
                "Stop and delete the schedule. Its targets stay, and so do the runs it "
                "started (runs in progress go on).",
                None,
            ),
            copy=(
                "A new schedule with the same cron, zone, targets and settings (`enabled` "
                "included) and a new ID; it has not fired yet (`last_fired_at` null) and is "
                "armed at once if enabled.",
                "nightly-eu",
            ),
        ),
        "/schedules/{id}/targets": {
            "parameters": [SCHEDULE_ID],
            "post": operation(
                "Add a job or pipeline, by ID or name, at the end of `targets` (stored as its "
                "ID). An unknown one is a 422 `invalid_reference`; one already a target, or a "
                "name that is both a job's and a pipeline's, is a 409.",
                {"200": SCHEDULE.answer("The schedule with the new target.")},
                request=body(ref("TargetInput"), {"target": "backup-db"}),
            ),
        },
        "/schedules/{id}/targets/{target}": {
            "parameters": [
                SCHEDULE_ID,
                param(
                    "target",
                    "path",
                    {"type": "string", "minLength": 1},
                    "The target to remove: job or pipeline ID (any case) or name.",
                    example="J9W1X3Y5Z",
                ),
            ],
            "delete": operation(
                "Take a job or pipeline out of the schedule; the job or pipeline itself "
                "stays. One that is not a target is a 404; a name that is both a job's and a "
                "pipeline's is a 409.",
                {"200": SCHEDULE.answer("The schedule without the target.")},
            ),
        },
        "/schedules/{id}/pause": _action(
            "Stop firing (`enabled` becomes false, `next_fire_at` null, and the targets' "
            "`next_run_at` no longer count this schedule). Runs already started go on. "
            "`trigger` still works while paused.",
            "The schedule, paused.",
            paused,
        ),
        "/schedules/{id}/resume": _action(
            "Fire again from the next due time after now (`enabled` becomes true). Fires "
            "missed while paused are **not** caught up, whatever `misfire` says.",
            "The schedule, resumed.",
        ),
        "/schedules/{id}/trigger": {
            "parameters": [SCHEDULE_ID],
            "post": operation(
                "Fire now, whatever the cron says and even while paused: every target starts "
                "at once, in parallel, as at a due time (`trigger` `schedule`, skip rules "
                "included). The answer is 202 with the runs started and the targets skipped "
                "with their reasons. The schedule's own timing does not change: "
                "`next_fire_at` and `last_fired_at` stay. No body.",
                {
                    "202": reply(
                        "The runs started and the targets skipped.",
                        ref("TriggerResult"),
                        Examples.of(
                            started=("Every target started", TRIGGER_EXAMPLE),
                            skipped=("The pipeline still had a run going", TRIGGER_SKIP_EXAMPLE),
                        ),
                    ),
                    "429": too_many_runs(),
                },
            ),
        },
    }
