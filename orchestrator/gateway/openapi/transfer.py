"""Paths and schemas of configuration transfer: export every definition as one JSON or YAML
document, and import such a document (merged or replacing), checked as a whole first."""

from __future__ import annotations

from typing import Any

from orchestrator.gateway.openapi.common import (
    B32,
    Schema,
    json_content,
    obj,
    operation,
    param,
    ref,
)
from orchestrator.gateway.openapi.job_schemas import job_fields
from orchestrator.gateway.openapi.pipeline_schemas import pipeline_fields
from orchestrator.gateway.openapi.schedule_schemas import schedule_fields
from orchestrator.gateway.openapi.schemas import TIME_EXAMPLE, timestamp
from orchestrator.gateway.openapi.webhook_schemas import webhook_fields

TAG = {
    "name": "config",
    "description": """Export and import of the whole configuration (jobs, pipelines, schedules
and webhooks), for backup and migration. Runs, contexts, users, keys and the audit trail are
not part of it. Importing an export into an empty server reproduces it exactly: same IDs,
names and creation stamps.

**Secrets.** An export shows each `secret_env` value and webhook `secret` as `***` unless
`include_secrets=true`, which only admins may ask for. On import, `***` keeps the value stored
for the same record (matched by ID or name); with no stored value it is an error.

**Import rules.** The document is checked as a whole before anything changes: if anything is
wrong, nothing changes and the 400 lists every problem. Each item is matched by its `id`;
without one, by its name within its kind, and is created when neither matches. With
`mode=merge` (default) the items are created or updated and everything else stays; with
`mode=replace` what the document does not list is also deleted, so all four sections are then
required (`[]` deletes every definition of a kind). References are checked against the result:
a pipeline may use a job the same document creates, and a replace may not delete what stays
referenced. An unchanged item is left alone; a changed one keeps its creation stamps; a new one
takes `created_at`, `updated_at` and `created_by` from the document when given. Deleted jobs
and pipelines lose their contexts (their runs stay in the history). Schedules created or
changed are re-armed before the answer, without catching up on earlier fires.""",
}
SECTIONS = {"jobs": "J", "pipelines": "P", "schedules": "S", "webhooks": "W"}
YAML_EXAMPLE = """format: orchestrator-config
version: 1
jobs:
- name: backup-db
  command: pg_dump app > /srv/backup/app.sql
  workdir: /srv/backup
schedules:
- name: nightly
  cron: 0 2 * * *
  targets: [backup-db]
"""
JSON_EXAMPLE = {
    "format": "orchestrator-config",
    "version": 1,
    "exported_at": TIME_EXAMPLE,
    "jobs": [
        {
            "id": "J9W1X3Y5Z",
            "name": "backup-db",
            "command": "pg_dump app > /srv/backup/app.sql",
            "workdir": "/srv/backup",
            "secret_env": {"PGPASSWORD": "***"},
            "created_at": TIME_EXAMPLE,
            "updated_at": TIME_EXAMPLE,
            "created_by": "admin",
        }
    ],
    "pipelines": [],
    "schedules": [],
    "webhooks": [],
}


def _item(section: str, fields: dict[str, Schema]) -> Schema:
    """An exported definition: its fields (as its create schema checks them), ID and stamps."""
    bare = {name: {k: v for k, v in s.items() if k != "description"} for name, s in fields.items()}
    return obj(
        {
            "id": {"type": "string", "pattern": f"^{SECTIONS[section]}{B32}{{8}}$"},
            **bare,
            "created_at": timestamp("Kept by an import that creates the record."),
            "updated_at": timestamp("Kept by an import that creates the record."),
            "created_by": {"type": ["string", "null"]},
        },
        description=f"One of the {section}, with the fields its create operation takes.",
    )


def schemas() -> dict[str, Schema]:
    items = {
        "jobs": _item("jobs", job_fields(patch=True)),
        "pipelines": _item("pipelines", pipeline_fields()),
        "schedules": _item("schedules", schedule_fields()),
        "webhooks": _item("webhooks", webhook_fields()),
    }
    named = obj(
        {
            "id": {
                "type": ["string", "null"],
                "description": "Null in a dry run for an item the import would create with "
                "an ID it draws then.",
            },
            "name": {"type": "string"},
        },
        ["id", "name"],
    )
    listed = {"type": "array", "items": named}
    by_section = obj({section: listed for section in SECTIONS}, list(SECTIONS), closed=False)
    outcomes = ("created", "updated", "deleted", "unchanged")
    return {
        "ConfigDocument": obj(
            {
                "format": {"type": "string", "const": "orchestrator-config"},
                "version": {"type": "integer", "const": 1},
                "exported_at": timestamp("When it was exported; ignored on import."),
                **{
                    section: {"type": "array", "items": schema} for section, schema in items.items()
                },
            },
            description="The whole configuration. On import `format` and `version` may be "
            "left out, and so may any section with `mode=merge`.",
        ),
        "ImportResult": obj(
            {
                "dry_run": {"type": "boolean", "description": "True: nothing was changed."},
                "mode": {"type": "string", "enum": ["merge", "replace"]},
                **{
                    outcome: {**by_section, "description": f"What was {outcome}, per section."}
                    for outcome in outcomes
                },
            },
            ["dry_run", "mode", *outcomes],
            closed=False,
            description="What the import changed (or, with `dry_run`, would change).",
        ),
    }


def _import_error() -> dict[str, Any]:
    problems = [
        {"path": "jobs[0].workdir", "message": "must be an absolute path"},
        {"path": "pipelines[0].steps[1].job", "message": "no job has the ID or name 'build'"},
    ]
    example = {
        "error": {
            "code": "validation_error",
            "message": "The document has 2 problems, nothing was changed: jobs[0].workdir: "
            "must be an absolute path; pipelines[0].steps[1].job: no job has the ID or name "
            "'build'.",
            "details": {"fields": {p["path"]: p["message"] for p in problems}, "errors": problems},
        }
    }
    return {
        "description": "`validation_error`: the document is wrong; `details.errors` lists "
        "every problem as `{path, message}` (the message names the first five), and "
        "`details.fields` maps each path to its first problem. `invalid_json`: the body cannot "
        "be read as JSON or YAML, or is empty.",
        "content": json_content(ref("Error"), example),
    }


def paths() -> dict[str, Any]:
    boolean = {"type": "boolean", "default": False}
    job, schedule = {"id": "J9W1X3Y5Z", "name": "backup"}, {"id": "S3M5Q7T9W", "name": "nightly"}
    answer = {"dry_run": False, "mode": "merge", "created": {"jobs": [job]}}
    answer["created"] |= {"pipelines": [], "schedules": [schedule], "webhooks": []}
    none = dict.fromkeys(SECTIONS, [])
    answer |= {"updated": none, "deleted": none, "unchanged": none}
    yaml_media = {"schema": {"type": "string"}, "example": YAML_EXAMPLE}
    exported = json_content(ref("ConfigDocument"), JSON_EXAMPLE)
    return {
        "/config/export": {
            "get": operation(
                "Every job, pipeline, schedule and webhook, with its ID and stamps, as one "
                "document. In YAML it comes as a download (`Content-Disposition: attachment; "
                'filename="orchestrator-config-<time>.yaml"`). `include_secrets=true` from '
                "anyone but an admin is a 403.",
                {
                    "200": {
                        "description": "The document.",
                        "content": {**exported, "application/yaml": yaml_media},
                    }
                },
                parameters=[
                    param(
                        "format",
                        "query",
                        {"type": "string", "enum": ["json", "yaml"], "default": "json"},
                        "JSON (`application/json`) or YAML (`application/yaml`).",
                    ),
                    param(
                        "include_secrets",
                        "query",
                        boolean,
                        "Admins only: secret values in clear instead of `***`.",
                    ),
                ],
            )
        },
        "/config/import": {
            "post": operation(
                "Check the whole document, then apply it in one go (unless `dry_run`). The "
                "body is read as YAML when its Content-Type is `application/yaml`, "
                "`application/x-yaml`, `text/yaml` or `text/x-yaml`, and as JSON otherwise.",
                {
                    "200": {
                        "description": "What changed.",
                        "content": json_content(ref("ImportResult"), answer),
                    },
                    "400": _import_error(),
                },
                parameters=[
                    param(
                        "mode",
                        "query",
                        {"type": "string", "enum": ["merge", "replace"], "default": "merge"},
                        "`merge`: create and update; `replace`: also delete what is not listed.",
                    ),
                    param("dry_run", "query", boolean, "Check and answer, change nothing."),
                ],
                request={
                    "required": True,
                    "content": {**json_content(ref("ConfigDocument"), JSON_EXAMPLE)}
                    | {"application/yaml": yaml_media},
                },
            )
        },
    }
