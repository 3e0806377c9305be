"""The Storage actor's handling of the audit trail: appending an entry and listing them.

Split from the principals by aggregate: the gateway tells `Audit` with the entries of the
requests it audited in one turn of its loop, and asks `ListAudit` for `GET /audit`. Runs on the
Storage actor's thread.
"""

from __future__ import annotations

from typing import Any

from actors import messages as m
from orchestrator.store.audit import AuditTrail
from orchestrator.store.paging import page


def append(storage: Any, message: m.Audit) -> None:
    """Add the entries to the trail (its table and `audit.log`)."""
    audit: AuditTrail = storage.store.audit
    for entry in message.entries:
        audit.append(entry)


def list_audit(storage: Any, message: m.ListAudit) -> dict:
    """One page of the entries that match the filters, newest first."""
    audit: AuditTrail = storage.store.audit
    q = message
    return page(audit.select(q.user, q.action, q.target, q.since, q.until), q.limit, q.cursor)


HANDLERS = {m.Audit: append, m.ListAudit: list_audit}
