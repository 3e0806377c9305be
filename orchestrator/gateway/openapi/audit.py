"""Path and schemas of the audit trail (`GET /audit`, admins only): what one record holds, which
requests make one, and how to filter them. The list of actions comes from the route table."""

from __future__ import annotations

from typing import Any

from orchestrator.gateway.openapi.access import audited_actions
from orchestrator.gateway.openapi.common import (
    B32,
    Schema,
    list_of,
    obj,
    operation,
    param,
    ref,
    reply,
)
from orchestrator.gateway.openapi.common import shared_param as shared
from orchestrator.gateway.openapi.schemas import TIME_EXAMPLE, timestamp

TAG = {
    "name": "audit",
    "description": """Every request to an operation that has an `x-audited-action` makes one
record, whatever its outcome (refused, invalid, not found and failed requests included): who
(username and role), what (action and target), the outcome and status, from which client
address, and when. Reads are not recorded (but for `GET /config/export`, which hands out the
whole configuration), nor requests refused with 401 before the caller is known (except sign-in,
which is always recorded, with the username as sent). Records are kept in the store and also
written, one JSON line each, to `audit.log` in the log directory.""",
}
RECORD_EXAMPLE = {
    "id": "A3M8Q2XZA4N6P",
    "time": TIME_EXAMPLE,
    "user": "ann",
    "role": "writer",
    "action": "job.update",
    "target": "nightly-report",
    "outcome": "success",
    "status": 200,
    "client": "192.0.2.10",
    "details": {"result": "J7K2M9QXA"},
}
FAILED_EXAMPLE = {
    **RECORD_EXAMPLE,
    "id": "A3M8Q2XZA4N6Q",
    "action": "user.delete",
    "target": "admin",
    "user": "root",
    "role": "admin",
    "outcome": "failure",
    "status": 409,
    "details": {"error": "conflict"},
}


def _actions() -> str:
    return ", ".join(f"`{action}`" for action in audited_actions())


def schemas() -> dict[str, Schema]:
    text = {"type": "string"}
    maybe_text = {"type": ["string", "null"]}
    fields = {
        "id": {"type": "string", "pattern": f"^A{B32}{{12}}$", "description": "Record ID."},
        "time": timestamp("When the request was answered (UTC)."),
        "user": {
            **maybe_text,
            "description": "Username of the caller; for `auth.login`, the username sent (null "
            "when the body was invalid).",
        },
        "role": {
            **maybe_text,
            "description": "The caller's role at the time; null for `auth.login`.",
        },
        "action": {**text, "description": f"What was asked. Actions: {_actions()}."},
        "target": {
            **maybe_text,
            "description": "What it was done to: the `{id}` of the path exactly as the caller "
            "wrote it (an ID in any case, or a name), or for a create the new item's ID; null "
            "when there is none.",
        },
        "outcome": {"type": "string", "enum": ["success", "failure"]},
        "status": {"type": "integer", "description": "The HTTP status answered."},
        "client": {**maybe_text, "description": "The client's address."},
        "details": {
            "type": "object",
            "description": "`result`: the ID of what the answer holds, when it is not "
            "`target` (the ID behind a name, a copy, the run started); `error`: the error "
            "code of a failure.",
            "properties": {"result": text, "error": text},
        },
    }
    return {
        "AuditRecord": obj(fields, list(fields), closed=False, description="One audited request."),
        "AuditList": list_of("AuditRecord", "A page of audit records, newest first."),
    }


def paths() -> dict[str, Any]:
    page = {"items": [FAILED_EXAMPLE, RECORD_EXAMPLE], "total": 2, "next_cursor": None}
    return {
        "/audit": {
            "get": operation(
                "Records matching every filter given, newest first, a page at a time.",
                {"200": reply("A page of records.", ref("AuditList"), page)},
                parameters=[
                    param(
                        "user",
                        "query",
                        {"type": "string"},
                        "Only this caller's records (exact username).",
                    ),
                    param(
                        "action",
                        "query",
                        {"type": "string"},
                        "Only actions starting with this text: `job.` finds every job action, "
                        f"`user.delete` one action. Actions: {_actions()}.",
                        example="job.",
                    ),
                    param(
                        "target",
                        "query",
                        {"type": "string"},
                        "Only records whose `target` is exactly this (as recorded: a name "
                        "and an ID of the same item are different targets).",
                    ),
                    param("since", "query", timestamp("ISO 8601."), "Only records at or after."),
                    param("until", "query", timestamp("ISO 8601."), "Only records at or before."),
                    shared("Limit"),
                    shared("Cursor"),
                ],
            )
        }
    }
