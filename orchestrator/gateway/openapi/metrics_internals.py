"""Schemas of the server's internal counters in `GET /metrics`: the actors' messages and inbox
depths by actor kind, and the store's commits (split from `metrics.py`, which holds the rest)."""

from __future__ import annotations

from orchestrator.gateway.openapi.common import Schema, obj


def _count(description: str) -> Schema:
    return {"type": "integer", "minimum": 0, "description": description}


KIND_EXAMPLE = {"messages_total": 5230, "alive": 1, "inbox": 0, "inbox_max": 0}
EXAMPLE = {
    "actors": {
        "messages_total": 9861,
        "by_kind": {
            "JobRunActor": {"messages_total": 3012, "alive": 2, "inbox": 1, "inbox_max": 1},
            "StorageActor": KIND_EXAMPLE,
            "SupervisorActor": {"messages_total": 1619, "alive": 1, "inbox": 0, "inbox_max": 0},
        },
    },
    "store": {"commits": 1504, "rows_written": 4398},
}


def schemas() -> dict[str, Schema]:
    kind = obj(
        {
            "messages_total": _count("Messages handled by actors of this kind since start."),
            "alive": _count("Actors of this kind alive now (one for the core actors)."),
            "inbox": _count("Messages waiting in their inboxes now, all actors together."),
            "inbox_max": _count("Messages waiting in the deepest of those inboxes."),
        },
        ["messages_total", "alive", "inbox", "inbox_max"],
        closed=False,
    )
    actors = obj(
        {
            "messages_total": _count("Messages handled by all actors since start."),
            "by_kind": {
                "type": "object",
                "additionalProperties": kind,
                "description": "By actor kind (class name): every kind alive now or that "
                "handled a message. Per-run kinds (job and pipeline runs) have one actor per "
                "run under way.",
            },
        },
        ["messages_total", "by_kind"],
        closed=False,
        description="The actors' work since the server started, and their inboxes now.",
    )
    store = obj(
        {
            "commits": _count("Commits of the store since the server started."),
            "rows_written": _count("Rows written or deleted by those commits."),
        },
        ["commits", "rows_written"],
        closed=False,
        description="Writes of the store since the server started.",
    )
    return {"MetricsActors": actors, "MetricsStore": store}
