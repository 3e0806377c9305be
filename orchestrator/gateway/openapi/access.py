"""What each documented operation is, who may call it, and what the audit trail records.

All of it comes from the routes' own declarations (`gateway/routing.py`, on each handler, the
same ones the middleware's table is built from) when the document is built: the operation ID,
tag, summary and error answers, `x-required-role` and `x-audited-action`, the same facts in
words, `security: []` when it is open, and the 401 and 403 answers its role implies. The
resource modules of this package only say what a declaration cannot: the texts, parameters,
bodies and examples.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from orchestrator.gateway.openapi.common import error_ref
from orchestrator.gateway.routing import DECLARED, EVENTS, OPEN, READER

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


def apply_routes(paths: dict[str, Any]) -> None:
    """Complete every operation from its route's declaration; an operation without a declared
    route, or a declared API route without an operation, is a programming error."""
    documented = set()
    for method, path, op in operations(paths):
        route = DECLARED.get((method, path))
        if route is None or route.op is None:
            raise LookupError(f"{method} {path} is documented but declares no operation")
        documented.add((method, path))
        role, action = route.role, route.action
        answers = op.pop("responses")
        op.update(operationId=route.op, tags=[route.tag], summary=route.summary)
        op.update({"x-required-role": role, "x-audited-action": action})
        op["description"] = f"{op['description']}\n\n{sentence(role, action)}"
        if role == OPEN:
            op["security"] = []
            implied: set[int] = set()
        else:
            # Any token may be wrong (401); a role above reader may be missing (403).
            implied = {401} if role == READER else {401, 403}
        statuses = {*route.errors, *implied, 500}
        answers.update({str(s): error_ref(s) for s in statuses if str(s) not in answers})
        op["responses"] = dict(sorted(answers.items()))
    missing = {key for key, route in DECLARED.items() if route.op} - documented
    if missing:
        raise LookupError(f"declared but not documented: {sorted(missing)}")


def audited_actions() -> list[str]:
    """Every action name the audit trail can hold, as the routes declare them."""
    return sorted({route.action for route in DECLARED.values() if route.action} | set(EVENTS))


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
