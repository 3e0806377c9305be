"""The job model: what a job is, how a request body becomes one, and how it is shown.

Jobs are stored as plain JSON-ready dicts; this module is the only place that decides which
fields exist, their defaults, and what counts as valid.
"""

from __future__ import annotations

import math
import ntpath
import posixpath
import re
from dataclasses import dataclass
from typing import Any

from orchestrator.models.fields import MAX_JOB_TIMEOUT, MAX_RETRY_DELAY, Checker

NAME_MAX = 100
JOB_FIELD_ORDER = (
    "name",
    "command",
    "workdir",
    "timeout",
    "max_attempts",
    "retry_delay",
    "env",
    "secret_env",
    "description",
    "tags",
    "enabled",
    "max_concurrent",
    "max_output_bytes",
    "resources",
)
EDITABLE = set(JOB_FIELD_ORDER)
REQUIRED = ("name", "command", "workdir")
SECRET_MASK = "***"
MAX_OUTPUT_CAP = 1024**3  # a job's own `max_output_bytes` at most (per stream, held in memory)
RESOURCE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")  # as `dask worker --resources`
MAX_RESOURCES = 32


@dataclass(frozen=True)
class JobDefaults:
    """Values a job gets when its body leaves them out (from the `jobs` config section)."""

    timeout: float = 3600.0
    max_attempts: int = 1
    retry_delay: float = 0.0


def validate_job(body: Any, defaults: JobDefaults, base: dict | None = None) -> dict[str, Any]:
    """Check a create/replace body (base=None) or a patch on top of `base`; return the fields.

    For a patch, absent fields keep their stored value; `secret_env` values equal to the mask
    keep the stored secret so a client can send back what it read.
    """
    check = Checker(body, EDITABLE)
    merged: dict[str, Any] = {}
    if base is None:
        check.require(*REQUIRED)
    values = {
        "name": check.name() if check.has("name") else None,
        "command": check.string("command", min_len=1) if check.has("command") else None,
        "workdir": _workdir(check) if check.has("workdir") else None,
        "timeout": check.number("timeout", exclusive=True, maximum=MAX_JOB_TIMEOUT)
        if check.has("timeout")
        else None,
        "max_attempts": check.integer("max_attempts", minimum=1, maximum=100)
        if check.has("max_attempts")
        else None,
        "retry_delay": check.number("retry_delay", maximum=MAX_RETRY_DELAY)
        if check.has("retry_delay")
        else None,
        "env": check.string_map("env") if check.has("env") else None,
        "secret_env": check.string_map("secret_env") if check.has("secret_env") else None,
        "description": check.string("description", max_len=2000)
        if check.has("description")
        else None,
        "tags": check.string_list("tags") if check.has("tags") else None,
        "enabled": check.boolean("enabled") if check.has("enabled") else None,
        "max_concurrent": check.integer("max_concurrent", minimum=1, maximum=1000)
        if check.has("max_concurrent")
        else None,
        "max_output_bytes": _output_cap(check) if check.has("max_output_bytes") else None,
        "resources": _resources(check) if check.has("resources") else None,
    }
    check.done()
    start = dict(base) if base is not None else _fresh(defaults)
    for name, value in values.items():
        if check.has(name):
            merged[name] = value
    if "secret_env" in merged and base is not None:
        old = base.get("secret_env", {})
        merged["secret_env"] = {
            k: old.get(k, v) if v == SECRET_MASK else v for k, v in merged["secret_env"].items()
        }
    start.update(merged)
    return start


def _fresh(defaults: JobDefaults) -> dict[str, Any]:
    return {
        "timeout": defaults.timeout,
        "max_attempts": defaults.max_attempts,
        "retry_delay": defaults.retry_delay,
        "env": {},
        "secret_env": {},
        "description": "",
        "tags": [],
        "enabled": True,
        "max_concurrent": 1,
        "max_output_bytes": None,
        "resources": {},
    }


def _output_cap(check: Checker) -> int | None:
    """null: the server's `jobs.max_output_bytes`; else a number of bytes per stream."""
    if check.body.get("max_output_bytes") is None:
        return None
    return check.integer("max_output_bytes", minimum=1, maximum=MAX_OUTPUT_CAP)


def _resources(check: Checker) -> dict[str, float] | None:
    """Worker resources a run needs, e.g. {"gpu": 1}: names as Dask takes them, amounts > 0."""
    value = check.body.get("resources")
    if not isinstance(value, dict) or len(value) > MAX_RESOURCES:
        check.fail("resources", f"must be an object of at most {MAX_RESOURCES} resources")
        return None
    for name, amount in value.items():
        if not RESOURCE_NAME.match(name):
            problem = "is not a resource name (a letter or _, then letters, digits, _ . -)"
            check.fail("resources", f"'{name[:70]}' {problem}")
            return None
        bad = isinstance(amount, bool) or not isinstance(amount, int | float)
        if bad or not math.isfinite(amount) or not 0 < amount <= 1e9:
            check.fail("resources", f"'{name}' must be a number above 0 (at most 1e9)")
            return None
    return dict(value)


def _workdir(check: Checker) -> str | None:
    path = check.string("workdir", min_len=1, max_len=4096)
    if path is not None and not (posixpath.isabs(path) or ntpath.isabs(path)):
        check.fail("workdir", "must be an absolute path")
        return None
    return path


def public_job(job: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """The API view of a stored job: secrets masked, run-derived fields from `extra`."""
    shown = {"max_output_bytes": None, "resources": {}, **job}  # jobs stored before the fields
    shown["secret_env"] = {k: SECRET_MASK for k in job.get("secret_env", {})}
    shown.update(extra)
    return shown
