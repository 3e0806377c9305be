"""The Storage actor: the only writer of the store, and the owner of its in-memory indexes.

It is a writer, not a rule book: each message type has one handler, registered in `HANDLERS`
from the modules of its aggregate (definitions, runs, schedules, principals, audit, webhooks,
metrics, transfer); the rules those handlers apply live in the domain (`orchestrator.definitions`,
`orchestrator.runs`, `orchestrator.models`). When it commits, and how it survives a failed
commit, is `actors.storage.commit`; whether a message is committed before its reply is declared
on the message class (`actors.messages.channel`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from actors.storage import (
    audit,
    checkpoints,
    definitions,
    metrics,
    principals,
    runs,
    schedules,
    transfer,
    webhooks,
)
from actors.storage.checkpoints import OutputCheckpoints
from actors.storage.commit import CommittingActor
from orchestrator.definitions.kinds import kind_ops
from orchestrator.models.job import JobDefaults
from orchestrator.security.principals import Principals
from orchestrator.store.store import Store

Handler = Callable[[Any, Any], Any]
# One table, keyed by message type, built from the handler modules of every aggregate.
HANDLERS: dict[type, Handler] = {}
_MODULES = (
    definitions,
    runs,
    checkpoints,
    schedules,
    principals,
    audit,
    webhooks,
    metrics,
    transfer,
)
for _module in _MODULES:
    _overlap = HANDLERS.keys() & _module.HANDLERS.keys()
    assert not _overlap, f"messages handled twice: {_overlap}"
    HANDLERS.update(_module.HANDLERS)


class StorageActor(CommittingActor):
    def __init__(
        self,
        store: Store,
        defaults: JobDefaults,
        clock: Any = None,
        subscribers: Sequence[Any] = (),
        retention: transfer.Retention | None = None,
        checkpoints: OutputCheckpoints | None = None,
    ) -> None:
        """`clock`: the Timekeeper (group commits, retries, hourly purges); `subscribers`:
        told `Committed` after each commit; `retention`: the rules of `Purge`; `checkpoints`:
        the running outputs `SaveLiveOutputs` stores."""
        super().__init__(store, clock, subscribers)
        self.defaults = defaults
        self.principals = Principals(store.tables)
        self.kinds = kind_ops(defaults)
        self.retention = retention or transfer.Retention()
        self.checkpoints = checkpoints

    def on_start(self) -> None:
        super().on_start()
        if self.checkpoints is not None:
            self.checkpoints.arm(self.actor_ref)  # each save arms the next

    def show(self, kind: str, record: dict) -> dict:
        return self.kinds[kind].show(self.store, record)

    def defs(self, kind: str):
        return self.store.definitions(kind)

    def handle(self, message: Any) -> Any:
        handler = HANDLERS.get(type(message))
        if handler is None:
            raise TypeError(f"Storage cannot handle {type(message).__name__}")
        return handler(self, message)
