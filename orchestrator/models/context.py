"""Contexts: the stdout of an owner's latest run with the details of how it was produced.

Each job (`CJ…`) and pipeline (`CP…`) has exactly one context; it is empty until the owner runs.
"""

from __future__ import annotations

from typing import Any


def empty_context(ctx_id: str, kind: str, owner: dict[str, Any]) -> dict[str, Any]:
    """The context of an owner that never ran (or was reset): no content, null details."""
    return {
        "id": ctx_id,
        "kind": kind,
        "owner_id": owner["id"],
        "owner_name": owner["name"],
        "content": "",
        "run_id": None,
        "generated_at": None,
        "duration": None,
        "exit_code": None,
        "state": None,
        "attempts": None,
        "size": 0,
        "truncated": False,
    }


def context_from_run(ctx_id: str, run: dict[str, Any], stdout: str) -> dict[str, Any]:
    """The context a finished run leaves behind: its stdout and how it was generated."""
    return {
        "id": ctx_id,
        "kind": run["kind"],
        "owner_id": run["owner_id"],
        "owner_name": run["owner_name"],
        "content": stdout,
        "run_id": run["id"],
        "generated_at": run["finished_at"],
        "duration": run["duration"],
        "exit_code": run["exit_code"],
        "state": run["state"],
        "attempts": len(run["attempts"]),
        "size": len(stdout.encode()),
        "truncated": run["truncated"],
    }


def pipeline_context(
    ctx_id: str, run: dict[str, Any], snapshots: dict[str, dict | None], final: dict | None
) -> dict[str, Any]:
    """A pipeline's context: each step's job context snapshot, and the last step's output."""
    content = final["content"] if final else ""
    return {
        **context_from_run(ctx_id, run, content),
        "truncated": bool(final and final["truncated"]),
        "attempts": sum(step["attempts"] for step in run["steps"]),
        "steps": [
            {"step": step["id"], "job_id": step["job_id"], "context": snapshots.get(step["id"])}
            for step in run["steps"]
        ],
    }
