"""The OpenAPI 3.1 document of the REST API: the reference users read in Swagger UI at /docs.

Each resource module contributes its paths (and its schemas); this module assembles them with the
shared components, the security schemes and the description of the server, and has every
operation's ID, tag, summary, errors, role and audited action filled in from the routes'
declarations (`gateway/routing.py`).
"""

from __future__ import annotations

from typing import Any

from orchestrator.gateway.openapi import (
    access,
    audit,
    auth,
    common,
    contexts,
    job_schemas,
    jobs,
    keys,
    metrics,
    pipeline_schemas,
    pipelines,
    retention,
    run_output,
    run_schemas,
    runs,
    schedule_schemas,
    schedules,
    schemas,
    system,
    transfer,
    user_schemas,
    users,
    webhook_events,
    webhook_schemas,
    webhooks,
    workers,
)

DESCRIPTION = """Orchestrator runs shell commands as **jobs** with timeouts, retries and saved
output, chains jobs into **pipelines** (a DAG of steps, independent steps in parallel), starts
both on cron **schedules** in any time zone, keeps every execution as a **run**, and saves the
stdout of each job's or pipeline's latest run as its **context**, which other job commands can
read with `$$(name)`. **Webhooks** announce finished runs and critical errors to other
systems; **metrics** show the machine and the server for supervision and Prometheus; the whole
configuration can be **exported and imported**. The web UI is served at `/ui/` (`/` sends a
browser there), this reference at `/docs`.

**Authentication.** Every call needs an API key (`ork_...`) or a session token (`ors_...`)
from `POST /auth/login`, sent as `Authorization: Bearer <token>` (or as `X-API-Key: <token>`),
except the open operations listed below. No token, or a wrong, revoked or expired one, is a
401; a role too low for the operation is a 403. The `auth` tag tells more.

{roles}

**Requests and answers.** JSON in and out, UTF-8. Times are ISO 8601 with an offset
(`2026-11-27T10:00:00+00:00`; a time without offset is read as UTC); durations are seconds.
Unknown fields in a body are a 400. `{id}` in a path takes an ID in any case, or the unique
name of a job, pipeline or schedule (of a user: the username). IDs: jobs `J`, pipelines `P`,
schedules `S`, users `U` and API keys `K` + 8 Crockford base32 characters, runs `R` and audit
records `A` + 12, contexts `CJ`/`CP` + the owner's 8. Names are unique within their kind; a
job and a pipeline may share one, and such a name is ambiguous where both kinds are accepted
(`$$(name)`, contexts, the `owner` filter of runs, schedule targets): a 409 there, or a
failed run for `$$(name)`; use the ID.

**Lists** answer `{"items": [...], "total": N, "next_cursor": "..." | null}`: `total` counts
everything the filters match, `limit` is 100 by default (at most 1000), and `next_cursor` goes
back as `cursor` for the next page.

**Errors** all answer `{"error": {"code", "message", "details"}}`: 400 `invalid_json` or
`validation_error` (with `details.fields`), 401 `unauthorized`, 403 `forbidden`, 404
`not_found`, 405 `method_not_allowed`, 409 `conflict` (name or ID in use, run already finished),
413 `payload_too_large` (a body over `server.max_body_bytes`, default 1 MiB), 422
`invalid_reference` (an unknown job in a pipeline's steps, an unknown schedule target), 429 or
503 where limits apply, 500 `internal_error` (never a stack trace).

**Defaults.** A job's `timeout` defaults to the configuration's `jobs.default_timeout` (3600
seconds), `max_attempts` to `jobs.default_max_attempts` (1), `retry_delay` to
`jobs.default_retry_delay` (0). Each run keeps at most
`jobs.max_output_bytes` of stdout and of stderr (default 1 MiB each); the rest is dropped and
the run says `truncated: true`."""

SECURITY_SCHEMES = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key (`ork_...`) or a session token (`ors_...`) from "
        "`POST /auth/login`.",
    },
    "apiKeyHeader": {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "An API key (`ork_...`); a session token is accepted here too.",
    },
}


def build_document(version: str) -> dict[str, Any]:
    """The whole document for the server at `version`, fresh each call (callers may cache)."""
    # Importing the resource modules declares every route; not at the top, as the docs
    # resource imports this package.
    from orchestrator.gateway import resources  # noqa: F401, PLC0415

    paths: dict[str, Any] = {}
    tagged = (jobs, pipelines, schedules, runs, contexts, webhooks, metrics, transfer)
    tagged += (auth, users, keys, audit, system)
    # retention's and workers' operations are tagged "system", run_output's "runs"
    for module in (*tagged, retention, run_output, workers):
        paths.update(module.paths())
    access.apply_routes(paths)
    components_schemas: dict[str, Any] = {}
    for module in (
        schemas,
        user_schemas,
        keys,
        audit,
        job_schemas,
        pipeline_schemas,
        schedule_schemas,
        run_schemas,
        run_output,
        webhook_schemas,
        webhook_events,
        metrics,
        transfer,
        retention,
        workers,
    ):
        components_schemas.update(module.schemas())
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Orchestrator API",
            "version": version,
            "summary": "Self-hosted job orchestration: jobs, pipelines, schedules, runs, contexts.",
            "description": DESCRIPTION.replace("{roles}", access.overview(paths)),
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}, {"apiKeyHeader": []}],
        "tags": [module.TAG for module in tagged],
        "paths": paths,
        "webhooks": webhook_events.webhooks(),
        "components": {
            "schemas": components_schemas,
            "parameters": schemas.parameters(),
            "responses": common.error_responses(),
            "securitySchemes": SECURITY_SCHEMES,
        },
    }
