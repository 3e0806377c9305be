"""Examples of schedules for the OpenAPI document: one nightly schedule seen as a request body,
as the server shows it, and the answers of a manual fire, consistent with the pipeline examples
(the schedule targets the `nightly-etl` pipeline, whose `next_run_at` is the schedule's next
fire)."""

from __future__ import annotations

from orchestrator.gateway.openapi.pipeline_examples import PIPELINE_RUN_EXAMPLE
from orchestrator.gateway.openapi.run_schemas import RUN_EXAMPLE

SCHEDULE_ID = "S3M5Q7T9W"
NEXT_FIRE = "2026-11-28T01:00:00.000+00:00"  # 02:00 in Berlin, in winter time (UTC+1)
_JOB, _PIPELINE = ("J9W1X3Y5Z", "backup-db"), ("P6R8T0V2X", "nightly-etl")

SCHEDULE_EXAMPLE = {
    "name": "nightly",
    "cron": "0 2 * * *",
    "timezone": "Europe/Berlin",
    "targets": [_JOB[1], _PIPELINE[0]],
    "enabled": True,
    "misfire": "run_once",
    "max_lateness": 3600,
    "description": "Back up the database and build the nightly report at 02:00 Berlin time.",
    "tags": ["nightly"],
}
SCHEDULE_OUTPUT_EXAMPLE = {
    "id": SCHEDULE_ID,
    **SCHEDULE_EXAMPLE,
    "targets": [_JOB[0], _PIPELINE[0]],
    "created_at": "2026-11-27T10:05:00.000+00:00",
    "updated_at": "2026-11-27T10:05:00.000+00:00",
    "created_by": "admin",
    "target_names": dict([_JOB, _PIPELINE]),
    "next_fire_at": NEXT_FIRE,
    "next_fire_error": None,
    "last_fired_at": None,
}

_TRIGGER = {"type": "schedule", "by": SCHEDULE_ID}
_QUEUED = {
    **dict.fromkeys(["started_at", "finished_at", "duration", "exit_code"]),
    "state": "queued",
    "trigger": _TRIGGER,
    "created_at": "2026-11-27T14:05:31.207+00:00",
    "queued_at": "2026-11-27T14:05:31.207+00:00",
}
_JOB_RUN = {
    **RUN_EXAMPLE,
    **_QUEUED,
    "id": "R2T4V6X8Z0B2D",
    "owner_id": _JOB[0],
    "owner_name": _JOB[1],
    "attempts": [],
}
_PIPELINE_RUN = {
    **PIPELINE_RUN_EXAMPLE,
    **_QUEUED,
    "id": "R3V5X7Z9B1D3F",
    "steps": [
        {**step, "run_id": None, "state": "pending", "attempts": 0}
        for step in PIPELINE_RUN_EXAMPLE["steps"]
    ],
}
TRIGGER_EXAMPLE = {"runs": [_JOB_RUN, _PIPELINE_RUN], "skipped": []}
TRIGGER_SKIP_EXAMPLE = {
    "runs": [_JOB_RUN],
    "skipped": [
        {"target": _PIPELINE[0], "reason": "it still has 1 run(s) going (max_concurrent 1)"}
    ],
}
