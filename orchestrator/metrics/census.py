"""What the actors have handled and what waits in their inboxes, for `/metrics`.

Read from any thread without asking an actor: the message counters are kept by `actors.base`,
and the live actors and their inboxes come from pykka's registry. An inbox's size is a snapshot
that may be stale by the time it is reported, which is all a gauge promises.
"""

from __future__ import annotations

import itertools
from typing import Any

import pykka

from actors.base import HANDLED


def _value(counter: itertools.count) -> int:
    """The next number the counter would give, that is how many it gave ("count(42)")."""
    return int(repr(counter)[6:-1])


def census() -> dict[str, Any]:
    """`{"by_kind": {kind: {...}}, "messages_total": n}`.

    For each actor kind that handled a message or is alive: messages handled since start,
    actors alive, their inboxes' total depth and the deepest one (for a kind with one actor,
    both are its inbox's depth).
    """
    kinds: dict[str, dict[str, int]] = {}
    for name, counter in HANDLED.items():
        handled = _value(counter)
        if handled:
            kinds[name] = {"messages_total": handled, "alive": 0, "inbox": 0, "inbox_max": 0}
    for ref in pykka.ActorRegistry.get_all():
        name = ref.actor_class.__name__
        entry = kinds.setdefault(
            name, {"messages_total": 0, "alive": 0, "inbox": 0, "inbox_max": 0}
        )
        depth = _depth(ref.actor_inbox)
        entry["alive"] += 1
        entry["inbox"] += depth
        entry["inbox_max"] = max(entry["inbox_max"], depth)
    total = sum(entry["messages_total"] for entry in kinds.values())
    return {"messages_total": total, "by_kind": dict(sorted(kinds.items()))}


def _depth(inbox: Any) -> int:
    size = getattr(inbox, "qsize", None)
    return size() if size is not None else 0
