"""`orchestrator-cli schedules` end to end, definitions: create, list, get, update, targets,
pause, resume, copy, delete."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cli.table import when
from tests.cli_helpers import (
    NEVER,
    Cli,
    as_json,
    cli_for,
    field,
    make,
    make_job,
    make_schedule,
    unique,
)
from tests.support import ServerProcess


@pytest.fixture
def cli(server: ServerProcess, tmp_path: Path) -> Cli:
    """The real CLI against the module's server, logs and config in this test's folder."""
    return cli_for(server, tmp_path)


class TestCreate:
    def test_options_become_fields(self, cli: Cli, server: ServerProcess, tmp_path: Path):
        """Every option sets its field; targets are stored as IDs; json is the API's document."""
        job = make_job(server, tmp_path)
        schedule = make_schedule(
            cli,
            "--timezone",
            "Europe/Paris",
            "--target",
            job["name"],
            "--misfire",
            "run_all",
            "--max-lateness",
            "600",
            "--description",
            "nightly",
            "--disabled",
        )
        assert schedule["id"].startswith("S") and schedule["targets"] == [job["id"]]
        assert (schedule["timezone"], schedule["misfire"]) == ("Europe/Paris", "run_all")
        assert schedule["max_lateness"] == 600 and schedule["enabled"] is False
        got = as_json(cli("--output", "json", "schedules", "get", schedule["name"]))
        assert got == server.request("GET", f"/schedules/{schedule['id']}")[1]

    def test_create_from_file(self, cli: Cli, tmp_path: Path):
        """-f FILE.yaml takes the API's body shape; options override its fields."""
        file = tmp_path / "schedule.yaml"
        file.write_text(yaml.safe_dump({"name": "x", "cron": NEVER, "misfire": "skip"}))
        name = unique("file")
        created = as_json(
            cli("--output", "json", "schedules", "create", "-f", str(file), "--name", name)
        )
        assert (created["name"], created["cron"], created["misfire"]) == (name, NEVER, "skip")
        assert created["timezone"] == "UTC" and created["enabled"] is True

    def test_errors_and_exit_codes(self, cli: Cli):
        """A bad cron is the server's 400 (exit 1); a missing --cron or a bad choice exits 2."""
        bad = cli("schedules", "create", "--name", unique("bad"), "--cron", "* *")
        assert bad.returncode == 1 and bad.stderr.startswith("error: Invalid input: cron")
        assert bad.stderr.count("\n") == 1
        missing = cli("schedules", "create", "--name", unique("bad"))
        assert missing.returncode == 2 and "missing --cron" in missing.stderr
        choice = cli("schedules", "create", "--name", "x", "--cron", NEVER, "--misfire", "never")
        assert choice.returncode == 2 and "--misfire" in choice.stderr


class TestRead:
    def test_list(self, cli: Cli, server: ServerProcess, tmp_path: Path):
        """list shows name, cron, zone, enabled, next fire and target names within 80 columns;
        json is the API's list."""
        job = make_job(server, tmp_path)
        schedule = make_schedule(cli, "--target", job["id"])
        table = cli("schedules", "list", "-q", schedule["name"])
        assert table.returncode == 0 and table.stdout.startswith("ID")
        row = table.stdout.splitlines()[1]
        cells = row.split()
        # With the ID column, 80 columns may clip the name; what is shown is its start.
        assert cells[0] == schedule["id"] and schedule["name"].startswith(cells[1].rstrip("…"))
        assert cells[2:7] == NEVER.split()
        fire = when(schedule["next_fire_at"]).split()
        assert cells[7:-1] == ["UTC", "yes", *fire]
        assert job["name"].startswith(cells[-1].rstrip("…"))
        assert all(len(line) <= 80 for line in table.stdout.splitlines())
        listed = as_json(cli("--output", "json", "schedules", "list", "-q", schedule["name"]))
        assert listed == server.request("GET", f"/schedules?q={schedule['name']}")[1]

    def test_get_shows_fire_times_and_target_names(
        self, cli: Cli, server: ServerProcess, tmp_path: Path
    ):
        """get shows the next fire time, the last fire, and each target's name beside its ID."""
        job = make_job(server, tmp_path)
        pipeline = make(
            server, "/pipelines", {"name": unique("p"), "steps": [{"id": "a", "job": job["id"]}]}
        )
        schedule = make_schedule(cli, "--target", job["id"], "--target", pipeline["name"])
        output = cli("schedules", "get", schedule["id"]).stdout
        assert field(output, "next_fire_at") == when(schedule["next_fire_at"])
        assert field(output, "last_fired_at") == "-"
        lines = [line.split()[-2:] for line in output.splitlines()]
        assert [job["name"], job["id"]] in lines and [pipeline["name"], pipeline["id"]] in lines
        assert "target_names" not in output


class TestChange:
    def test_update_and_targets(self, cli: Cli, server: ServerProcess, tmp_path: Path):
        """update changes only what is given; add-target and remove-target take names."""
        one, two = make_job(server, tmp_path), make_job(server, tmp_path)
        schedule = make_schedule(cli, "--target", one["id"], "--description", "kept")
        updated = as_json(
            cli("--output", "json", "schedules", "update", schedule["id"], "--cron", "0 0 2 1 *")
        )
        assert updated["cron"] == "0 0 2 1 *" and updated["description"] == "kept"
        added = as_json(
            cli("--output", "json", "schedules", "add-target", schedule["name"], two["name"])
        )
        assert added["targets"] == [one["id"], two["id"]]
        removed = as_json(
            cli("--output", "json", "schedules", "remove-target", schedule["id"], one["name"])
        )
        assert removed["targets"] == [two["id"]]
        again = cli("schedules", "remove-target", schedule["id"], one["name"])
        assert again.returncode == 1 and "is not a target" in again.stderr
        assert cli("schedules", "update", schedule["id"]).returncode == 2

    def test_pause_and_resume(self, cli: Cli):
        """pause clears the next fire time and disables; resume brings both back."""
        schedule = make_schedule(cli)
        paused = as_json(cli("--output", "json", "schedules", "pause", schedule["id"]))
        assert paused["enabled"] is False and paused["next_fire_at"] is None
        shown = cli("schedules", "get", schedule["id"]).stdout
        assert field(shown, "enabled") == "no" and field(shown, "next_fire_at") == "-"
        resumed = as_json(cli("--output", "json", "schedules", "resume", schedule["name"]))
        assert resumed["enabled"] is True and resumed["next_fire_at"] == schedule["next_fire_at"]

    def test_copy_and_delete(self, cli: Cli):
        """copy makes <name>-copy; delete removes it and a later get exits 1."""
        schedule = make_schedule(cli)
        copied = as_json(cli("--output", "json", "schedules", "copy", schedule["id"]))
        assert copied["name"] == schedule["name"] + "-copy" and copied["cron"] == NEVER
        deleted = cli("schedules", "delete", copied["name"])
        assert deleted.returncode == 0 and copied["name"] in deleted.stdout
        assert cli("schedules", "get", copied["id"]).returncode == 1
