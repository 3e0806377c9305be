"""The Storage actor's handlers for every kind of definition (jobs, pipelines, schedules,
webhooks) through the table of `orchestrator.definitions.kinds`: create, change, copy, delete,
show and list."""

from __future__ import annotations

from typing import Any

from actors import messages as m
from orchestrator.log import get_logger
from orchestrator.store.paging import page
from orchestrator.store.store import Store

log = get_logger("orchestrator.storage")
_PAST = {"Create": "created", "Update": "updated", "Copy": "copied", "Delete": "deleted"}


def change(storage: Any, message: Any) -> Any:
    """Create, update, copy or delete a job, pipeline or schedule, and log it."""
    store, kind = storage.store, storage.kinds[message.kind]
    match message:
        case m.Create(_, body, user):
            record = kind.create(store, body, user)
        case m.Update(_, ref, body, partial, user):
            record = kind.update(store, ref, body, partial)
        case m.Copy(_, ref, name, user):
            record = kind.copy(store, ref, name, user)
        case m.Delete(_, ref, force):
            record, user = kind.delete(store, ref, force), None
    done = _PAST[type(message).__name__]
    log.info(f"{message.kind} {done}", id=record["id"], name=record["name"], by=user)
    return None if isinstance(message, m.Delete) else record


def get(storage: Any, message: m.Get) -> dict:
    return storage.show(message.kind, storage.defs(message.kind).require(message.ref))


def list_definitions(storage: Any, message: m.ListDefinitions) -> dict:
    kind = message.kind
    found = _select(
        storage.store, storage.defs(kind).values(), message.tag, message.state, message.q
    )
    return page(found, message.limit, message.cursor, lambda record: storage.show(kind, record))


def get_definition(storage: Any, message: m.GetDefinition) -> dict:
    return storage.defs(message.kind).require(message.ref)


def _select(store: Store, records, tag: str | None, state: str | None, q: str | None):
    needle = q.lower() if q else None
    for record in records:
        if tag and tag not in record.get("tags", ()):
            continue
        if needle and needle not in record["name"].lower():
            continue
        if state and store.owner_extra(record)["state"] != state:
            continue
        yield record


HANDLERS = {
    m.Create: change,
    m.Update: change,
    m.Copy: change,
    m.Delete: change,
    m.Get: get,
    m.ListDefinitions: list_definitions,
    m.GetDefinition: get_definition,
}
