"""The pipeline model: steps that run jobs, their dependencies (a DAG), and validation.

Without `depends_on` a step depends on the step before it; `depends_on: []` makes it a root.
Steps reference jobs by ID or name; the stored pipeline keeps the job IDs so that renaming a
job does not break the pipeline.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from orchestrator.errors import InvalidReference
from orchestrator.models.fields import Checker

FIELD_ORDER = (
    "name",
    "steps",
    "max_attempts",
    "on_failure",
    "max_concurrent",
    "description",
    "tags",
    "enabled",
)
STEP_ID = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
MAX_STEPS = 1000


class OnFailure(StrEnum):
    STOP = "stop"
    CONTINUE = "continue"


def validate_pipeline(
    body: Any, find_job: Callable[[str], dict | None], base: dict | None = None
) -> dict[str, Any]:
    """Check a create/replace body (base=None) or a patch on top of `base`."""
    check = Checker(body, set(FIELD_ORDER))
    if base is None:
        check.require(*("name", "steps"))
    fields: dict[str, Any] = dict(base) if base is not None else _fresh()
    if check.has("name"):
        fields["name"] = check.name()
    if check.has("max_attempts"):
        fields["max_attempts"] = check.integer("max_attempts", minimum=1, maximum=100)
    if check.has("max_concurrent"):
        fields["max_concurrent"] = check.integer("max_concurrent", minimum=1, maximum=1000)
    if check.has("on_failure"):
        fields["on_failure"] = check.choice("on_failure", ("stop", "continue"))
    if check.has("description"):
        fields["description"] = check.string("description", max_len=2000)
    if check.has("tags"):
        fields["tags"] = check.string_list("tags")
    if check.has("enabled"):
        fields["enabled"] = check.boolean("enabled")
    steps = _steps(check, body.get("steps")) if check.has("steps") else None
    check.done()
    if steps is not None:
        fields["steps"] = _resolve_jobs(steps, find_job)
    return {name: fields.get(name, _fresh().get(name)) for name in FIELD_ORDER}


def _fresh() -> dict[str, Any]:
    return {
        "max_attempts": 1,
        "on_failure": "stop",
        "max_concurrent": 1,
        "description": "",
        "tags": [],
        "enabled": True,
    }


def _steps(check: Checker, raw: Any) -> list[dict] | None:
    if not isinstance(raw, list) or not raw:
        check.fail("steps", "must be a non-empty list of steps")
        return None
    if len(raw) > MAX_STEPS:
        check.fail("steps", f"must have at most {MAX_STEPS} steps")
        return None
    steps: list[dict] = []
    for index, step in enumerate(raw):
        where = f"steps[{index}]"
        if not isinstance(step, dict) or set(step) - {"id", "job", "depends_on"}:
            check.fail(where, "must be an object with id, job and optional depends_on")
            continue
        step_id, job = step.get("id"), step.get("job")
        if not isinstance(step_id, str) or not STEP_ID.match(step_id):
            check.fail(f"{where}.id", "must be 1-100 letters, digits, '_', '.' or '-'")
            continue
        if not isinstance(job, str) or not job:
            check.fail(f"{where}.job", "must be a job ID or name")
            continue
        depends = step.get("depends_on", [steps[-1]["id"]] if steps else [])
        if not isinstance(depends, list) or not all(isinstance(d, str) for d in depends):
            check.fail(f"{where}.depends_on", "must be a list of step ids")
            continue
        steps.append({"id": step_id, "job": job, "depends_on": list(dict.fromkeys(depends))})
    if check.problems:
        return None
    _check_graph(check, steps)
    return steps


def _check_graph(check: Checker, steps: list[dict]) -> None:
    seen: set[str] = set()
    for index, step in enumerate(steps):
        if step["id"] in seen:
            check.fail(f"steps[{index}].id", f"duplicate step id '{step['id']}'")
        seen.add(step["id"])
    if check.problems:
        return  # with duplicate ids, dependency problems would only be echoes of them
    for index, step in enumerate(steps):
        for dep in step["depends_on"]:
            if dep not in seen:
                check.fail(f"steps[{index}].depends_on", f"unknown step id '{dep}'")
            elif dep == step["id"]:
                check.fail(f"steps[{index}].depends_on", "a step cannot depend on itself")
    if not check.problems:
        cycle = find_cycle({s["id"]: s["depends_on"] for s in steps})
        if cycle:
            check.fail("steps", "dependencies form a cycle: " + " -> ".join(cycle))


def find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """A dependency cycle as a path (first node repeated at the end), or None.

    Iterative depth-first search, so a 1000-step chain does not hit the recursion limit.
    """
    done: set[str] = set()
    for root in graph:
        if root in done:
            continue
        path, on_path = [root], {root}
        stack = [iter(graph[root])]
        while stack:
            dep = next(stack[-1], None)
            if dep is None:
                finished = path.pop()
                done.add(finished)
                on_path.discard(finished)
                stack.pop()
            elif dep in on_path:
                return [*path[path.index(dep) :], dep]
            elif dep not in done:
                path.append(dep)
                on_path.add(dep)
                stack.append(iter(graph[dep]))
    return None


def _resolve_jobs(steps: list[dict], find_job: Callable[[str], dict | None]) -> list[dict]:
    unknown: dict[str, str] = {}
    resolved = []
    for index, step in enumerate(steps):
        job = find_job(step["job"])
        if job is None:
            unknown[f"steps[{index}].job"] = f"no job has the ID or name '{step['job']}'"
        else:
            resolved.append({**step, "job": job["id"]})
    if unknown:
        names = ", ".join(sorted({v.split("'")[1] for v in unknown.values()}))
        raise InvalidReference(f"Unknown job(s) in the pipeline: {names}.", {"fields": unknown})
    return resolved


def public_pipeline(pipeline: dict, job_names: dict[str, str | None], extra: dict) -> dict:
    """The API view: each step also shows its job's current name (None if it was deleted)."""
    shown = dict(pipeline)
    shown["steps"] = [{**s, "job_name": job_names.get(s["job"])} for s in pipeline["steps"]]
    shown.update(extra)
    return shown


def run_steps(pipeline: dict, retry_of: dict | None = None) -> list[dict]:
    """The step list of a new pipeline run: every step pending, except, for a retry, the steps
    that succeeded in the retried run, which keep their run and context."""
    kept = {}
    if retry_of is not None:
        kept = {s["id"]: s for s in retry_of.get("steps", []) if s["state"] == "succeeded"}
    return [
        kept.get(step["id"])
        or {
            "id": step["id"],
            "job_id": step["job"],
            "run_id": None,
            "state": "pending",
            "attempts": 0,
        }
        for step in pipeline["steps"]
    ]
