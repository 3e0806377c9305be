"""Helpers for the end-to-end tests of the pipelines and schedules command groups: run the real
CLI against a test server, make the jobs those tests need through the API, read the output."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path

from tests.support import ServerProcess

Cli = Callable[..., subprocess.CompletedProcess]
NEVER = "0 0 1 1 *"  # once a year: a schedule that must not fire during a test


def cli_for(server: ServerProcess, folder: Path) -> Cli:
    """The CLI against `server`, with its logs and config file kept in `folder`."""
    env = {"ORCH_CLI_LOG_DIR": str(folder / "logs"), "ORCH_CLI_CONFIG": str(folder / "c.yaml")}
    return lambda *args: server.cli(*args, env=env)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def make(server: ServerProcess, route: str, body: dict) -> dict:
    """Create something through the API (201 expected) and return it."""
    status, doc = server.request("POST", route, body)
    assert status == 201, doc
    return doc


def make_job(server: ServerProcess, workdir: Path, command: str = "echo ok") -> dict:
    body = {"name": unique("job"), "command": command, "workdir": str(workdir)}
    return make(server, "/jobs", body)


def as_json(result: subprocess.CompletedProcess) -> dict:
    """The document a successful `--output json` command printed."""
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def make_pipeline(cli: Cli, *steps: str, extra: tuple[str, ...] = ()) -> dict:
    """A pipeline made with `pipelines create --step ...` (the command under test)."""
    args = [arg for step in steps for arg in ("--step", step)]
    name = unique("pipe")
    return as_json(cli("--output", "json", "pipelines", "create", "--name", name, *args, *extra))


def make_schedule(cli: Cli, *extra: str, cron: str = NEVER) -> dict:
    """A schedule made with `schedules create` (the command under test)."""
    name = unique("sched")
    return as_json(
        cli("--output", "json", "schedules", "create", "--name", name, "--cron", cron, *extra)
    )


def field(output: str, key: str) -> str:
    """The value of one `key  value` line of a details view."""
    line = next(line for line in output.splitlines() if line.split(maxsplit=1)[:1] == [key])
    return line[len(key) :].strip()
