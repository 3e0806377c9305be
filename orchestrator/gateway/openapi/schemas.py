"""Schemas used across resources: the error envelope, times, states and log records.

Resource-specific schemas live in their own modules (job_schemas.py, user_schemas.py, ...);
what several of them share is here, together with the shared query parameters of lists.
"""

from __future__ import annotations

from typing import Any

from orchestrator.gateway.openapi.common import Schema, list_of, nullable, obj, param, ref
from orchestrator.models import states

RUN_STATES = list(states.RUN_STATES)
LOG_LEVELS = ["debug", "info", "warning", "error"]
TIME_EXAMPLE = "2026-11-27T10:00:00.000+00:00"

STATES_TEXT = """Run states:

| state | meaning |
|---|---|
| `scheduled` | planned for a later time (`at`); starts then |
| `queued` | waiting to start: `waiting` says why (a run limit, CPU or memory) |
| `running` | an attempt is running |
| `retrying` | an attempt failed; the next one starts after `retry_delay` |
| `succeeded` | exit code 0 |
| `failed` | exit code other than 0 on the last attempt, or the run could not start |
| `timed_out` | the last attempt ran past `timeout`; its whole process tree was killed |
| `cancelled` | cancelled through the API |
| `interrupted` | the server stopped while the run was queued or running |

Pipeline steps may also be `skipped`."""


def timestamp(description: str) -> Schema:
    return {"type": "string", "format": "date-time", "description": description}


def maybe_time(description: str) -> Schema:
    return nullable(timestamp(description))


def seconds(description: str, **extra: Any) -> Schema:
    return {"type": "number", "description": f"{description} In seconds.", **extra}


def schemas() -> dict[str, Schema]:
    return {
        "Error": obj(
            {
                "error": obj(
                    {
                        "code": {
                            "type": "string",
                            "pattern": "^[a-z][a-z0-9_]*$",
                            "description": "Stable snake_case code for programs "
                            "(`validation_error`, `not_found`, `conflict`, ...).",
                        },
                        "message": {"type": "string", "description": "One sentence for a person."},
                        "details": {
                            "type": "object",
                            "description": "More facts; `validation_error` puts each bad field "
                            "and its problem in `fields`.",
                            "properties": {"fields": {"type": "object"}},
                        },
                    },
                    ["code", "message"],
                )
            },
            ["error"],
            description="Every error answers with this envelope; never a stack trace.",
        ),
        "RunState": {"type": "string", "enum": RUN_STATES, "description": STATES_TEXT},
        "JobState": {
            "type": "string",
            "enum": [*RUN_STATES, states.NEVER_RUN],
            "description": "State of the job's latest run, or `never_run`.",
        },
        "Health": obj({"status": {"type": "string", "const": "ok"}}, ["status"]),
        "Version": obj(
            {
                "version": {"type": "string", "description": "PEP 440 version."},
                "display": {"type": "string", "description": "Version for people."},
            },
            ["version", "display"],
        ),
        "LogLevel": {"type": "string", "enum": LOG_LEVELS},
        "LogLevelSetting": obj({"level": ref("LogLevel")}, ["level"]),
        "LogRecord": obj(
            {
                "seq": {"type": "integer", "description": "Increases by one per record."},
                "time": timestamp("When the record was made."),
                "level": {"type": "string", "description": "Lower case: `debug` ... `critical`."},
                "logger": {"type": "string", "description": "Where the record comes from."},
                "message": {"type": "string", "description": "What happened."},
                "fields": {
                    "type": "object",
                    "description": "The record's context (`run_id`, `job_id`, ...), and "
                    "`exception` with the trace when there is one.",
                },
            },
            ["seq", "time", "level", "logger", "message", "fields"],
            closed=False,
            description="One record of the server log.",
        ),
        "LogList": list_of("LogRecord", "Recent log records, oldest first."),
    }


def parameters() -> dict[str, dict[str, Any]]:
    """`components.parameters`: the paging and time filters every list shares."""
    return {
        "Limit": param(
            "limit",
            "query",
            {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100},
            "Largest number of items to return.",
        ),
        "Cursor": param(
            "cursor",
            "query",
            {"type": "string"},
            "The `next_cursor` of the previous page; leave out for the first page.",
        ),
        "Since": param(
            "since", "query", timestamp("ISO 8601."), "Only items at or after this time."
        ),
        "Until": param("until", "query", timestamp("ISO 8601."), "Only items before this time."),
    }
