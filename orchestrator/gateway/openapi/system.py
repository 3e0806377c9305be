"""Paths of the server itself: health, version, this documentation, the server log and its
level, retention on demand, and the hot backup."""

from __future__ import annotations

import json
from typing import Any

from orchestrator.gateway.openapi.common import body, operation, param, ref, reply
from orchestrator.gateway.openapi.common import shared_param as shared
from orchestrator.gateway.openapi.schemas import TIME_EXAMPLE

TAG = {
    "name": "system",
    "description": "Health, version, documentation, server log and level, retention, backup.",
}
BACKUP_TEXT = """A consistent copy of the store (the SQLite file), made while the server runs with
SQLite's online backup API: everything committed when the copy starts, nothing half-written.
It arrives as a download (`Content-Disposition: attachment; filename=
"orchestrator-backup-<time>.sqlite"`). To restore it, stop the server, put the file in place of
`orchestrator.sqlite` in the data directory, keep the same `secret.key` (or `ORCH_SECRET_KEY`),
and start the server. The file holds every secret (encrypted with that key) and the API keys'
hashes: keep it private. `orchestrator-cli backup FILE` calls this."""
RECORD = {
    "seq": 42,
    "time": TIME_EXAMPLE,
    "level": "info",
    "logger": "actors.supervisor.job_run",
    "message": "run started",
    "fields": {"run_id": "R0F3K8Z1M2N4Q", "job_id": "J7K2M9QXA"},
}
LEVEL = param(
    "level", "query", ref("LogLevel"), "Only records at this level and above.", example="warning"
)


_FAILING = {
    "error": {
        "code": "insufficient_storage",
        "message": "The store cannot be written: OperationalError: database or disk is full",
        "details": {"failing_for_seconds": 12.5, "writes_waiting": 3},
    },
}


def paths() -> dict[str, Any]:
    level = reply("The current level.", ref("LogLevelSetting"), {"level": "info"})
    stream_example = f": connected\n\nid: 42\ndata: {json.dumps(RECORD)}\n\n: heartbeat\n\n"
    return {
        "/health": {
            "get": operation(
                "Answers 200 while the server accepts requests, 503 while its store cannot be "
                "written (the reason in `error`).",
                {
                    "200": reply("Up.", ref("Health"), {"status": "ok"}),
                    "503": reply("The store cannot be written.", ref("Error"), _FAILING),
                },
            )
        },
        "/version": {
            "get": operation(
                "The server's version.",
                {
                    "200": reply(
                        "The version.",
                        ref("Version"),
                        {"version": "0.3.0a0", "display": "0.3.0 Alpha"},
                    )
                },
            )
        },
        "/openapi.json": {
            "get": operation(
                "The OpenAPI 3.1 document of the API.",
                {"200": reply("The document.", {"type": "object"})},
            )
        },
        "/docs": {
            "get": operation(
                "Swagger UI for this document, served with its assets by the server (no "
                "outside host is contacted).",
                {
                    "200": {
                        "description": "The HTML page.",
                        "content": {"text/html": {"schema": {"type": "string"}}},
                    }
                },
            )
        },
        "/logs": {
            "get": operation(
                "Records from the server's in-memory ring buffer, oldest first.",
                {
                    "200": reply(
                        "The records.",
                        ref("LogList"),
                        {"items": [RECORD], "total": 1, "next_cursor": None},
                    )
                },
                parameters=[
                    LEVEL,
                    shared("Since"),
                    param(
                        "q",
                        "query",
                        {"type": "string"},
                        "Substring of the message, logger or fields (any case).",
                    ),
                    param(
                        "limit",
                        "query",
                        {"type": "integer", "minimum": 1, "maximum": 10000, "default": 100},
                        "Largest number of records (the newest ones) to return.",
                    ),
                ],
            )
        },
        "/logs/stream": {
            "get": operation(
                "Server-Sent Events: each new record as one event whose `id` is the record's "
                "`seq` and whose `data` is the `LogRecord` in JSON. A comment line every 15 "
                "seconds keeps the connection alive.",
                {
                    "200": {
                        "description": "An endless event stream.",
                        "content": {
                            "text/event-stream": {
                                "schema": {"type": "string"},
                                "example": stream_example,
                            }
                        },
                    }
                },
                parameters=[LEVEL],
            )
        },
        "/system/backup": {
            "post": operation(
                BACKUP_TEXT,
                {
                    "200": {
                        "description": "The copy of the store.",
                        "content": {
                            "application/vnd.sqlite3": {
                                "schema": {"type": "string", "contentEncoding": "binary"}
                            }
                        },
                    }
                },
            )
        },
        "/system/log-level": {
            "get": operation("The level in force.", {"200": level}),
            "put": operation(
                "Change the level of the console and the log files at once, without restart.",
                {"200": level},
                request=body(ref("LogLevelSetting"), {"level": "debug"}),
            ),
        },
    }
