"""Who may call what: the table from route to the minimum role and the audited action.

The table is built from the routes' own declarations (`routing.py`, on each handler): the
middleware checks every request against it, the audit trail names actions from it, and the
OpenAPI document shows each operation's role from the same declarations. A route missing from
the table is refused to everyone but admins.
"""

from __future__ import annotations

from orchestrator.gateway.resources import RESOURCES
from orchestrator.gateway.routing import ADMIN, DECLARED, EVENTS, LOCKED, OPEN, READER, WRITER

Rule = tuple[str, str | None]  # (minimum role or OPEN, audited action or None)
__all__ = ["ADMIN", "EVENTS", "LOCKED", "OPEN", "READER", "RESOURCES", "RULES", "WRITER"]

RULES: dict[tuple[str, str], Rule] = {
    key: (route.role, route.action) for key, route in sorted(DECLARED.items())
}


def rule_for(method: str, path: str) -> Rule:
    """The rule of a route (HEAD follows GET); unknown routes need admin and are audited."""
    method = "GET" if method == "HEAD" else method
    return RULES.get((method, path), (ADMIN, "unknown"))
