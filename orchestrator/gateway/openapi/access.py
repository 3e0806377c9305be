"""Who may call each documented operation, and what the audit trail records for it.

Both come from the server's own route table (`gateway/authorization.py`, the table the
middleware enforces) when the document is built, never from text written beside each operation:
a role changed in the table changes the document with it. Each operation gets
`x-required-role` and `x-audited-action`, the same facts in words, `security: []` when it is
open, and the 401 and 403 answers its role implies.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from orchestrator.gateway.authorization import EVENTS, OPEN, READER, RULES, rule_for
from orchestrator.gateway.openapi.common import error_ref

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def operations(paths: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(METHOD, path, operation) for every operation of `paths`."""
    for path, item in paths.items():
        for method, op in item.items():
            if method in HTTP_METHODS:
                yield method.upper(), path, op


def sentence(role: str, action: str | None) -> str:
    """The words every operation's description ends with."""
    text = "No authentication needed." if role == OPEN else f"Needs the **{role}** role."
    if action:
        text += f" Recorded in the audit trail as `{action}`."
    return text


def apply_rules(paths: dict[str, Any]) -> None:
    """Mark every operation with its role and audited action from the route table."""
    for method, path, op in operations(paths):
        role, action = rule_for(method, path)
        op["x-required-role"] = role
        op["x-audited-action"] = action
        op["description"] = f"{op['description']}\n\n{sentence(role, action)}"
        answers = op["responses"]
        if role == OPEN:
            op["security"] = []
            implied: set[int] = set()
        else:
            # Any token may be wrong (401); a role above reader may be missing (403).
            implied = {401} if role == READER else {401, 403}
        answers.update({str(s): error_ref(s) for s in implied if str(s) not in answers})
        op["responses"] = dict(sorted(answers.items()))


def audited_actions() -> list[str]:
    """Every action name the audit trail can hold, as the route table lists them."""
    return sorted({action for _, action in RULES.values() if action} | set(EVENTS))


def overview(paths: dict[str, Any]) -> str:
    """The paragraph on roles in the document's description, with its lists from the table."""
    by_role: dict[str, list[str]] = {}
    for method, path, op in operations(paths):
        by_role.setdefault(op["x-required-role"], []).append(f"`{method} {path}`")
    return f"""**Roles.** Every user has one role. **reader** may read (the GET operations
that are not admin-only) and manage their own API keys; **writer** may also create, change,
delete, copy, run and cancel jobs and pipelines, manage, pause, resume and trigger schedules,
retry runs and reset contexts; **admin** may do everything. Each operation says which role it
needs (also as `x-required-role`) and, when it is recorded in the audit trail, under which
action (`x-audited-action`); both come from the server's own route table. Admin only:
{", ".join(by_role.get("admin", []))}. Open without a token: {", ".join(by_role.get(OPEN, []))}."""
