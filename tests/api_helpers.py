"""Small helpers the REST integration tests share: unique names, jobs, waiting for runs, and the
checks every error answer must pass.

They only speak HTTP to a real `ServerProcess`, so a test reads as the requests a user would send.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from tests.support import ServerProcess

TERMINAL = {"succeeded", "failed", "timed_out", "cancelled", "interrupted", "skipped"}
JOB_ID = re.compile(r"^J[0-9A-HJKMNP-TV-Z]{8}$")
RUN_ID = re.compile(r"^R[0-9A-HJKMNP-TV-Z]{12}$")
SNAKE = re.compile(r"^[a-z]+(_[a-z]+)*$")


def unique(prefix: str = "job") -> str:
    """A name no other test uses, so tests can share one server."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def make_job(server: ServerProcess, workdir: Path, **fields: Any) -> dict[str, Any]:
    """Create a job (default command `true`) and return it; the creation must succeed."""
    body = {"name": unique(), "command": "true", "workdir": str(workdir), **fields}
    status, job = server.request("POST", "/jobs", body)
    assert status == 201, job
    return job


def start_run(server: ServerProcess, job: str, body: Any = None) -> dict[str, Any]:
    """Ask for a run of `job` without waiting; the request must be accepted."""
    status, run = server.request("POST", f"/jobs/{job}/run", body)
    assert status == 202, run
    return run


def run_and_wait(server: ServerProcess, job: str, body: Any = None) -> dict[str, Any]:
    """Run `job` with `wait=true` and return the finished run."""
    status, run = server.request("POST", f"/jobs/{job}/run?wait=true&timeout=20", body)
    assert status == 200, run
    return run


def wait_for(
    server: ServerProcess, run_id: str, states: set[str] = TERMINAL, timeout: float = 10.0
) -> dict[str, Any]:
    """Poll a run until its state is one of `states`; fail the test when time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        status, run = server.request("GET", f"/runs/{run_id}")
        assert status == 200, run
        if run["state"] in states:
            return run
        assert time.monotonic() < deadline, f"run {run_id} stayed {run['state']}"
        time.sleep(0.05)


def when(text: str) -> datetime:
    """Parse one of the API's times; it must carry an offset."""
    value = datetime.fromisoformat(text)
    assert value.tzinfo is not None, text
    return value


def q(value: str) -> str:
    """Quote a query value (times carry a `+` that must survive the URL)."""
    return quote(value, safe="")


def assert_error(answer: tuple[int, Any], status: int, code: str) -> dict[str, Any]:
    """Check one error answer against API.md's envelope; return its `details`."""
    got_status, body = answer
    assert got_status == status, body
    assert isinstance(body, dict) and set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "details"}, error
    assert error["code"] == code, error
    assert SNAKE.match(error["code"]), error
    assert isinstance(error["message"], str) and error["message"].strip(), error
    assert isinstance(error["details"], dict), error
    text = json.dumps(body)
    assert "Traceback" not in text and 'File \\"' not in text, text
    return error["details"]


def assert_fields(answer: tuple[int, Any], *names: str) -> dict[str, str]:
    """A 400 validation_error whose `details.fields` names exactly `names`."""
    details = assert_error(answer, 400, "validation_error")
    fields = details["fields"]
    assert set(fields) == set(names), fields
    assert all(isinstance(problem, str) and problem for problem in fields.values()), fields
    return fields
