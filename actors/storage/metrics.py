"""The Storage actor's answer to `Counts`: definitions and runs counted by state.

Split from `storage.py` by responsibility, like the principals. Counting runs on the Storage
actor's thread because the store is only ever touched there; it changes nothing, so nothing is
committed before the reply.
"""

from __future__ import annotations

from typing import Any

from actors import messages as m
from orchestrator.metrics.counts import counts

HANDLED = (m.Counts,)


def handle(storage: Any, message: Any) -> Any:
    match message:
        case m.Counts(now):
            return counts(storage.store, now)
    raise TypeError(f"Storage cannot handle {type(message).__name__}")


# Every message of this module goes to `handle`.
HANDLERS = dict.fromkeys(HANDLED, handle)
