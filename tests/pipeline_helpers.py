"""Helpers the pipeline integration tests share: pipelines with unique names, running one to its
end, and reading its steps.

Like api_helpers, they only speak HTTP to a real `ServerProcess`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.api_helpers import make_job, unique
from tests.support import ServerProcess


def make_pipeline(server: ServerProcess, steps: list[dict], **fields: Any) -> dict[str, Any]:
    """Create a pipeline and return it; the creation must succeed."""
    body = {"name": unique("pipe"), "steps": steps, **fields}
    status, pipeline = server.request("POST", "/pipelines", body)
    assert status == 201, pipeline
    return pipeline


def jobs_for(server: ServerProcess, workdir: Path, **commands: str) -> dict[str, dict]:
    """One job per keyword (step id -> command), each with a unique name."""
    return {step: make_job(server, workdir, command=cmd) for step, cmd in commands.items()}


def run_pipeline(server: ServerProcess, pipeline: str, body: Any = None) -> dict[str, Any]:
    """Run a pipeline with `wait=true` and return the finished run."""
    status, run = server.request("POST", f"/pipelines/{pipeline}/run?wait=true&timeout=20", body)
    assert status == 200, run
    return run


def steps_of(run: dict[str, Any]) -> dict[str, dict]:
    """A pipeline run's steps by step id."""
    return {step["id"]: step for step in run["steps"]}


def states(run: dict[str, Any]) -> dict[str, str]:
    """Each step's state by step id."""
    return {step["id"]: step["state"] for step in run["steps"]}


def step_run(server: ServerProcess, run: dict[str, Any], step: str) -> dict[str, Any]:
    """The job run of one step of a pipeline run."""
    status, found = server.request("GET", f"/runs/{steps_of(run)[step]['run_id']}")
    assert status == 200, found
    return found
