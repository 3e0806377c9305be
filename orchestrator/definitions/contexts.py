"""Contexts seen from a command and from the API: `$$(name)` references and the list by kind.

A context belongs to its job or pipeline and is kept by the store (`Store.context`); here are
the rules of naming one: an unknown or ambiguous reference is refused before a run starts.
"""

from __future__ import annotations

from collections.abc import Iterable

from orchestrator import ids
from orchestrator.errors import Conflict, InvalidReference, NotFound, ValidationError
from orchestrator.store.store import Store


def resolve_contexts(store: Store, names: Iterable[str]) -> dict[str, str]:
    """Contents of the contexts a command names: by context ID, owner ID or owner name."""
    found: dict[str, str] = {}
    for name in names:
        try:
            found[name] = store.context(name)["content"]
        except NotFound:
            raise InvalidReference(
                f"The reference $$({name}) matches no context, job or pipeline.",
                {"reference": name},
            ) from None
        except Conflict as err:
            raise InvalidReference(
                f"The reference $$({name}) is ambiguous: {err.message}", {"reference": name}
            ) from None
    return found


def list_contexts(store: Store, kind: str | None) -> list[dict]:
    """Every context of the jobs, the pipelines, or both (`kind` None)."""
    if kind not in (None, "job", "pipeline"):
        raise ValidationError({"kind": "must be job or pipeline"})
    owners = [*store.jobs] if kind != "pipeline" else []
    owners += [*store.pipelines] if kind != "job" else []
    return [store.context(ids.context_id(owner_id)) for owner_id in owners]
