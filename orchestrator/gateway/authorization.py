"""Who may call what: one table from route to the minimum role and the audited action.

The middleware checks every request against it, the audit trail names actions from it, and the
OpenAPI document shows each operation's role from it. A route missing from the table is refused
to everyone but admins, and a test keeps the table complete.
"""

from __future__ import annotations

OPEN = "open"
READER, WRITER, ADMIN = "reader", "writer", "admin"
Rule = tuple[str, str | None]  # (minimum role or OPEN, audited action or None)
LOCKED = "auth.locked"  # audited by the sign-in handler itself when failures lock a username
EVENTS = (LOCKED,)  # audited actions that are no route's own


def _definitions(kind: str, base: str, runnable: bool = True) -> dict[tuple[str, str], Rule]:
    item = base + "/{id}"
    rules = {
        ("GET", base): (READER, None),
        ("POST", base): (WRITER, f"{kind}.create"),
        ("GET", item): (READER, None),
        ("PUT", item): (WRITER, f"{kind}.replace"),
        ("PATCH", item): (WRITER, f"{kind}.update"),
        ("DELETE", item): (WRITER, f"{kind}.delete"),
        ("POST", item + "/copy"): (WRITER, f"{kind}.copy"),
    }
    if runnable:
        rules[("POST", item + "/run")] = (WRITER, f"{kind}.run")
    return rules


def _admin_only(rules: dict[tuple[str, str], Rule]) -> dict[tuple[str, str], Rule]:
    return {route: (ADMIN, action) for route, (_, action) in rules.items()}


RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/"): (OPEN, None),
    ("GET", "/health"): (OPEN, None),
    ("GET", "/version"): (OPEN, None),
    ("GET", "/openapi.json"): (OPEN, None),
    ("GET", "/docs"): (OPEN, None),
    ("GET", "/docs/"): (OPEN, None),
    ("GET", "/docs/{asset}"): (OPEN, None),
    ("GET", "/ui"): (OPEN, None),
    ("GET", "/ui/"): (OPEN, None),
    ("GET", "/ui/{path}"): (OPEN, None),
    ("POST", "/auth/login"): (OPEN, "auth.login"),
    ("POST", "/auth/logout"): (READER, "auth.logout"),
    ("GET", "/me"): (READER, None),
    **_definitions("job", "/jobs"),
    **_definitions("pipeline", "/pipelines"),
    **_definitions("schedule", "/schedules", runnable=False),
    ("POST", "/schedules/{id}/targets"): (WRITER, "schedule.add_target"),
    ("DELETE", "/schedules/{id}/targets/{target}"): (WRITER, "schedule.remove_target"),
    ("POST", "/schedules/{id}/pause"): (WRITER, "schedule.pause"),
    ("POST", "/schedules/{id}/resume"): (WRITER, "schedule.resume"),
    ("POST", "/schedules/{id}/trigger"): (WRITER, "schedule.trigger"),
    ("GET", "/runs"): (READER, None),
    ("GET", "/runs/{id}"): (READER, None),
    ("GET", "/runs/{id}/output"): (READER, None),
    ("GET", "/runs/{id}/output/stream"): (READER, None),
    ("POST", "/runs/{id}/cancel"): (WRITER, "run.cancel"),
    ("POST", "/runs/{id}/retry"): (WRITER, "run.retry"),
    ("GET", "/contexts"): (READER, None),
    ("GET", "/contexts/{id}"): (READER, None),
    ("POST", "/contexts/{id}/reset"): (WRITER, "context.reset"),
    ("DELETE", "/contexts/{id}"): (WRITER, "context.reset"),
    ("GET", "/logs"): (READER, None),
    ("GET", "/logs/stream"): (READER, None),
    ("GET", "/system/log-level"): (READER, None),
    ("PUT", "/system/log-level"): (ADMIN, "system.log_level"),
    ("GET", "/users"): (ADMIN, None),
    ("POST", "/users"): (ADMIN, "user.create"),
    ("GET", "/users/{id}"): (ADMIN, None),
    ("PATCH", "/users/{id}"): (ADMIN, "user.update"),
    ("DELETE", "/users/{id}"): (ADMIN, "user.delete"),
    ("GET", "/keys"): (READER, None),
    ("POST", "/keys"): (READER, "key.create"),
    ("DELETE", "/keys/{id}"): (READER, "key.revoke"),
    ("GET", "/audit"): (ADMIN, None),
    ("GET", "/metrics"): (READER, None),
    ("GET", "/metrics/history"): (READER, None),
    ("GET", "/metrics/prometheus"): (READER, None),
    **_admin_only(_definitions("webhook", "/webhooks", runnable=False)),
    ("POST", "/webhooks/{id}/test"): (ADMIN, "webhook.test"),
    # Readers export without secrets; the handler asks admin for `include_secrets=true`.
    ("GET", "/config/export"): (READER, "config.export"),
    ("POST", "/config/import"): (ADMIN, "config.import"),
    ("GET", "/system/retention"): (READER, None),
    ("POST", "/system/purge"): (ADMIN, "system.purge"),
    ("POST", "/system/backup"): (ADMIN, "system.backup"),
}


def rule_for(method: str, path: str) -> Rule:
    """The rule of a route (HEAD follows GET); unknown routes need admin and are audited."""
    method = "GET" if method == "HEAD" else method
    return RULES.get((method, path), (ADMIN, "unknown"))
