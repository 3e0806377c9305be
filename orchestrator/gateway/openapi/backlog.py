"""The 429 that every route starting runs may answer when too many runs wait to start."""

from __future__ import annotations

from typing import Any

from orchestrator.gateway.openapi.common import ref, reply

FULL_EXAMPLE = {
    "error": {
        "code": "too_many_runs",
        "message": "10000 runs already wait to start, the most allowed "
        "(execution.max_queued_runs = 10000); try again later.",
        "details": {"limit": 10000, "retry_after": 5},
    }
}


def too_many_runs() -> dict[str, Any]:
    """The 429 answer, with the header that says when to try again."""
    answer = reply(
        "`too_many_runs`: `execution.max_queued_runs` runs already wait to start (job runs in "
        "the queue, pipeline runs with no step running; runs planned for later count once "
        "due). Nothing was recorded; try again after `Retry-After` seconds.",
        ref("Error"),
        FULL_EXAMPLE,
    )
    answer["headers"] = {
        "Retry-After": {
            "description": "Seconds to wait before trying again.",
            "schema": {"type": "integer", "minimum": 1},
        }
    }
    return answer
