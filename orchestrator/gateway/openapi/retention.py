"""OpenAPI: retention in force (`GET /system/retention`) and on demand (`POST /system/purge`)."""

from __future__ import annotations

from typing import Any

from orchestrator.gateway.openapi.common import Schema, obj, operation, param, ref, reply
from orchestrator.gateway.openapi.schemas import TIME_EXAMPLE

PURGE_TEXT = """Apply retention now, as the server does by itself every
`retention.purge_interval` seconds (an hour by default, and once at start), with the configured
settings; the next purge then comes one interval later. What goes:

- runs that finished more than `retention.runs_days` days ago (default 30), with their
  output, except the `retention.keep_last_runs` latest runs (default 10) of each job and
  pipeline, which stay whatever their age. Runs not finished never go. A pipeline run, the job
  runs of its steps and the runs of its retries go together or not at all. Contexts stay.
- audit records older than `retention.audit_days` days (default 90);
- rotated log files (`info.log.3`, `audit.log.1`, ...) last written more than
  `retention.logs_days` days ago (default 14); the files being written stay.

The answer counts what was removed. With `dry_run=true` nothing is removed and the answer
counts what would be. A failure is a 500 (the error is in the server log)."""

IN_FORCE_TEXT = """The retention settings in force (from the configuration's `retention` section),
when the server purges next (every `retention.purge_interval`, and once at start), and what a
purge now would remove."""
COUNT = {"type": "integer", "minimum": 0}
COUNTS = {
    "runs": {**COUNT, "description": "Runs (with their output)."},
    "audit": {**COUNT, "description": "Audit records."},
    "logs": {**COUNT, "description": "Rotated log files."},
}


def schemas() -> dict[str, Schema]:
    days = {"type": "number", "exclusiveMinimum": 0}
    return {
        "PurgeResult": obj(
            {**COUNTS, "dry_run": {"type": "boolean", "description": "True: nothing removed."}},
            ["runs", "audit", "logs", "dry_run"],
            closed=False,
            description="What a purge removed, or with `dry_run` would remove.",
        ),
        "RetentionInForce": obj(
            {
                "runs_days": {**days, "description": "Finished runs older than this go."},
                "keep_last_runs": {**COUNT, "description": "Latest runs kept per owner."},
                "audit_days": {**days, "description": "Audit records older than this go."},
                "logs_days": {**days, "description": "Rotated log files older than this go."},
                "purge_interval": {**days, "description": "Seconds between two purges."},
                "next_purge_at": {"type": ["string", "null"], "format": "date-time"},
                "would_purge": obj(COUNTS, list(COUNTS), closed=False),
            },
            ["runs_days", "keep_last_runs", "audit_days", "logs_days", "would_purge"],
            closed=False,
        ),
    }


def paths() -> dict[str, Any]:
    counts = {"runs": 120, "audit": 3400, "logs": 2}
    in_force = {"runs_days": 30, "keep_last_runs": 10, "audit_days": 90, "logs_days": 14}
    in_force |= {"next_purge_at": TIME_EXAMPLE, "would_purge": counts}
    dry_run = param(
        "dry_run",
        "query",
        {"type": "boolean", "default": False},
        "Count what would be removed; remove nothing.",
    )
    return {
        "/system/retention": {
            "get": operation(
                IN_FORCE_TEXT,
                {
                    "200": reply(
                        "The settings and what would go.", ref("RetentionInForce"), in_force
                    )
                },
            )
        },
        "/system/purge": {
            "post": operation(
                PURGE_TEXT,
                {
                    "200": reply(
                        "What was removed (or would be, with `dry_run`).",
                        ref("PurgeResult"),
                        {**counts, "dry_run": False},
                    )
                },
                parameters=[dry_run],
            )
        },
    }
