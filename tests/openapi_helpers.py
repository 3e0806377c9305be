"""Helpers the OpenAPI tests share: the routes this release must document, the operations of a
document, the routes of an app, and checking a real answer against a documented schema."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web
from jsonschema import Draft202012Validator

from orchestrator.gateway.openapi.access import operations as path_operations

# Every route the app has now (API.md, as the brief of this release lists them).
EXPECTED_ROUTES = {
    ("GET", "/health"),
    ("GET", "/version"),
    ("GET", "/openapi.json"),
    ("GET", "/docs"),
    ("POST", "/auth/login"),
    ("POST", "/auth/logout"),
    ("GET", "/me"),
    *{(method, "/jobs") for method in ("POST", "GET")},
    *{(method, "/jobs/{id}") for method in ("GET", "PUT", "PATCH", "DELETE")},
    ("POST", "/jobs/{id}/copy"),
    ("POST", "/jobs/{id}/run"),
    *{(method, "/pipelines") for method in ("POST", "GET")},
    *{(method, "/pipelines/{id}") for method in ("GET", "PUT", "PATCH", "DELETE")},
    ("POST", "/pipelines/{id}/copy"),
    ("POST", "/pipelines/{id}/run"),
    *{(method, "/schedules") for method in ("POST", "GET")},
    *{(method, "/schedules/{id}") for method in ("GET", "PUT", "PATCH", "DELETE")},
    *{("POST", f"/schedules/{{id}}/{verb}") for verb in ("copy", "targets", "pause", "resume")},
    ("POST", "/schedules/{id}/trigger"),
    ("DELETE", "/schedules/{id}/targets/{target}"),
    ("GET", "/runs"),
    ("GET", "/runs/{id}"),
    ("GET", "/runs/{id}/output"),
    ("POST", "/runs/{id}/cancel"),
    ("POST", "/runs/{id}/retry"),
    ("GET", "/contexts"),
    ("GET", "/contexts/{id}"),
    ("POST", "/contexts/{id}/reset"),
    ("DELETE", "/contexts/{id}"),
    ("GET", "/logs"),
    ("GET", "/logs/stream"),
    ("GET", "/system/log-level"),
    ("PUT", "/system/log-level"),
    *{(method, "/users") for method in ("GET", "POST")},
    *{(method, "/users/{id}") for method in ("GET", "PATCH", "DELETE")},
    *{(method, "/keys") for method in ("GET", "POST")},
    ("DELETE", "/keys/{id}"),
    ("GET", "/audit"),
    *{(method, "/webhooks") for method in ("GET", "POST")},
    *{(method, "/webhooks/{id}") for method in ("GET", "PUT", "PATCH", "DELETE")},
    ("POST", "/webhooks/{id}/copy"),
    ("POST", "/webhooks/{id}/test"),
    ("GET", "/metrics"),
    ("GET", "/metrics/history"),
    ("GET", "/metrics/prometheus"),
    ("GET", "/config/export"),
    ("POST", "/config/import"),
    ("GET", "/system/retention"),
    ("POST", "/system/purge"),
    ("POST", "/system/backup"),
}
# Routes that are not part of the API: the home redirect, Swagger UI's files and the web UI.
NOT_API_PREFIXES = ("/docs/", "/ui")
NOT_API_PATHS = {"/"}


def operations(doc: dict[str, Any]):
    """(METHOD, path, operation) for every operation of a document."""
    return path_operations(doc["paths"])


def documented(doc: dict[str, Any]) -> set[tuple[str, str]]:
    return {(method, path) for method, path, _ in operations(doc)}


def app_routes(app: web.Application, *, api_only: bool = True) -> set[tuple[str, str]]:
    """Every (method, path) the app routes, without HEAD and static file folders; with
    `api_only`, without the home redirect and Swagger UI's files either.

    Paths are written as OpenAPI writes them: `{id:[A-Z]+}` becomes `{id}`.
    """
    found = set()
    for route in app.router.routes():
        info = route.get_info()
        path = info.get("formatter") or info.get("path")
        if route.method in ("HEAD", "*") or path is None or "directory" in info:
            continue
        path = re.sub(r"\{(\w+):[^}]*\}", r"{\1}", path)
        if api_only and (path in NOT_API_PATHS or path.startswith(NOT_API_PREFIXES)):
            continue
        found.add((route.method, path))
    return found


def resolve(doc: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        section, name = node["$ref"].split("/")[-2:]
        node = doc["components"][section][name]
    return node


def schema_errors(doc: dict[str, Any], name: str, value: Any) -> list[str]:
    """What is wrong with `value` as an instance of `components.schemas[name]`; besides the
    schema's rules, an object must have exactly the documented fields (answers are open
    schemas, so a field the server added without documenting it would pass unseen)."""
    schema = {"$ref": f"#/components/schemas/{name}", "components": doc["components"]}
    errors = [e.message for e in Draft202012Validator(schema).iter_errors(value)]
    target = resolve(doc, {"$ref": f"#/components/schemas/{name}"})
    items = value.get("items") if name.endswith("List") else None
    if items:
        target, value = resolve(doc, target["properties"]["items"]["items"]), items[0]
    fields = set(target.get("properties", {}))
    if fields and isinstance(value, dict) and set(value) != fields:
        errors.append(f"{name}: fields {sorted(value)} != {sorted(fields)}")
    return errors
