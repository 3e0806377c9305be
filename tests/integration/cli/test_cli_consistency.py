"""The CLI behaves the same way everywhere: -o after the command, one time format in tables, one
error prefix, an ID column in every list, runs shown with job and schedule names, export says what
it wrote, and the wait limit is --wait-timeout (real server, real CLI)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import click
import pytest

from cli.main import cli as root
from cli.table import when
from tests.cli_helpers import (
    Cli,
    as_json,
    cli_for,
    field,
    make_job,
    make_pipeline,
    make_schedule,
)
from tests.support import ServerProcess

ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")
TABLE_TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")


@pytest.fixture
def cli(server: ServerProcess, tmp_path: Path) -> Cli:
    return cli_for(server, tmp_path)


def _leaves(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += _leaves(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


class TestOutputOption:
    """`-o/--output` is accepted after the command, on every command."""

    def test_every_command_takes_output_after_it(self) -> None:
        """Each leaf command has an --output option of its own."""
        for path in _leaves(root):
            command = root
            for name in path:
                command = command.commands[name]
            opts = {opt for param in command.params for opt in getattr(param, "opts", [])}
            assert "--output" in opts, path

    def test_output_after_the_command_is_the_same_as_before(
        self, cli: Cli, server: ServerProcess, tmp_path: Path
    ) -> None:
        """`runs list -o json` prints the same document as `-o json runs list`."""
        job = make_job(server, tmp_path)
        after = cli("jobs", "get", job["id"], "-o", "json")
        before = cli("-o", "json", "jobs", "get", job["id"])
        assert after.returncode == 0, after.stderr
        assert json.loads(after.stdout) == json.loads(before.stdout)
        listed = cli("runs", "list", "--output", "yaml", "--limit", "1")
        assert listed.returncode == 0 and not listed.stdout.startswith("ID")


class TestTimes:
    """Tables show every time as local `YYYY-MM-DD HH:MM:SS`; json keeps the API's ISO text."""

    def test_details_show_times_like_lists(
        self, cli: Cli, server: ServerProcess, tmp_path: Path
    ) -> None:
        """`jobs get` shows created_at as `when` does; `users list` uses the same format."""
        job = make_job(server, tmp_path)
        shown = cli("jobs", "get", job["id"]).stdout
        assert field(shown, "created_at") == when(job["created_at"])
        assert TABLE_TIME.match(field(shown, "created_at"))
        assert not ISO.search(shown)
        users = cli("users", "list").stdout.splitlines()
        assert any(re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", line) for line in users[1:])
        doc = as_json(cli("-o", "json", "jobs", "get", job["id"]))
        assert doc["created_at"] == job["created_at"]


class TestErrors:
    """Every error line starts with `error: `."""

    def test_server_usage_and_file_errors_share_the_prefix(self, cli: Cli, tmp_path: Path) -> None:
        """A 404, a bad option value and an unreadable file all print `error: ...`."""
        missing = cli("jobs", "get", "no-such-job")
        usage = cli("runs", "list", "--limit", "0")
        unreadable = cli("import", str(tmp_path / "absent.yaml"))
        for result in (missing, usage, unreadable):
            assert result.returncode in (1, 2), result
            assert result.stderr.startswith("error: "), result.stderr
            assert "Error:" not in result.stderr


class TestLists:
    """Every list has an ID column first."""

    def test_schedules_and_webhooks_lists_show_ids(
        self, cli: Cli, server: ServerProcess, tmp_path: Path
    ) -> None:
        """`schedules list` and `webhooks list` start with ID and show the item's ID."""
        job = make_job(server, tmp_path)
        schedule = make_schedule(cli, "--target", job["id"])
        listed = cli("schedules", "list", "-q", schedule["name"]).stdout.splitlines()
        assert listed[0].split()[0] == "ID" and listed[1].split()[0] == schedule["id"]
        body = {"name": "ids", "url": "http://127.0.0.1:9/x", "events": ["job.failed"]}
        assert server.request("POST", "/webhooks", body)[0] == 201
        for command in (("webhooks", "list"), ("audit", "--limit", "1"), ("users", "list")):
            header = cli(*command).stdout.splitlines()[0]
            assert header.split()[0] == "ID", command


class TestRunViews:
    """Runs read the same everywhere: steps by job name, triggers by schedule name."""

    def test_pipeline_steps_name_their_jobs(
        self, cli: Cli, server: ServerProcess, tmp_path: Path
    ) -> None:
        """`runs get` of a pipeline run shows a STEP/STATE/RUN/JOB table with job names, no
        raw `id=..., job_id=...` lines."""
        job = make_job(server, tmp_path)
        pipeline = make_pipeline(cli, f"first={job['id']}")
        run = as_json(cli("-o", "json", "pipelines", "run", pipeline["id"], "--wait"))
        shown = cli("runs", "get", run["id"]).stdout
        assert "job_id=" not in shown and "STEP" in shown
        row = next(line for line in shown.splitlines() if "first" in line.split())
        assert row.split()[-1] == job["name"]

    def test_a_scheduled_run_names_its_schedule(
        self, cli: Cli, server: ServerProcess, tmp_path: Path
    ) -> None:
        """A run fired by a schedule shows `schedule <name>` in `runs list` and `runs get`."""
        job = make_job(server, tmp_path)
        schedule = make_schedule(cli, "--target", job["id"])
        fired = as_json(cli("-o", "json", "schedules", "trigger", schedule["id"]))
        run_id = fired["runs"][0]["id"]
        shown = cli("runs", "get", run_id).stdout
        assert field(shown, "trigger") == f"schedule {schedule['name']} ({schedule['id']})"
        # A wide terminal, so that the TRIGGER column is not clipped.
        wide = server.cli("runs", "list", "--owner", job["id"], env={"COLUMNS": "200"}).stdout
        assert f"schedule {schedule['name']}" in wide.splitlines()[1]


class TestExport:
    """`export -o FILE` says on stderr what it wrote and where."""

    def test_export_counts_what_it_wrote(
        self, cli: Cli, server: ServerProcess, tmp_path: Path
    ) -> None:
        """One stderr line with the count per kind and the file; stdout stays empty."""
        make_job(server, tmp_path)
        doc = as_json(cli("-o", "json", "export", "--format", "json"))
        target = tmp_path / "defs.yaml"
        done = cli("export", "-o", str(target))
        assert done.returncode == 0 and done.stdout == ""
        jobs = len(doc["jobs"])
        assert done.stderr.startswith(f"Exported {jobs} job{'s' if jobs != 1 else ''}, ")
        assert "webhook" in done.stderr and str(target) in done.stderr


class TestWaitTimeout:
    """The wait limit is --wait-timeout; the old --timeout still works, with a warning."""

    def test_wait_timeout_and_the_deprecated_alias(
        self, cli: Cli, server: ServerProcess, tmp_path: Path
    ) -> None:
        """`jobs run --wait --wait-timeout` gives up in time; `--timeout` warns and works."""
        job = make_job(server, tmp_path, command="sleep 5")
        started = time.monotonic()
        gave_up = cli("jobs", "run", job["id"], "--wait", "--wait-timeout", "0.5")
        assert gave_up.returncode == 1 and "still" in gave_up.stderr
        assert time.monotonic() - started < 30
        help_text = cli("jobs", "run", "--help").stdout
        assert "--wait-timeout" in help_text and "--timeout" not in help_text
        old = cli("jobs", "run", job["id"], "--wait", "--timeout", "0.5")
        assert old.returncode == 1 and "--wait-timeout" in old.stderr
