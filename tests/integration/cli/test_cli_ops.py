"""`orchestrator-cli metrics`, `status`, `export` and `import` end to end."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
import yaml

from tests.cli_helpers import Cli, as_json, cli_for, make, make_job, unique
from tests.support import ServerProcess

DEFINITIONS = ("jobs", "pipelines", "schedules", "webhooks")


@pytest.fixture
def cli(server: ServerProcess, tmp_path: Path) -> Cli:
    """The real CLI against the module's server as admin, logs and config in this test's folder."""
    return cli_for(server, tmp_path)


def failed_run(server: ServerProcess, workdir: Path) -> dict:
    job = make_job(server, workdir, command="exit 3")
    status, run = server.request("POST", f"/jobs/{job['id']}/run?wait=true&timeout=20")
    assert status == 200 and run["state"] == "failed", run
    return run


def labels(screen: str) -> list[str]:
    return [line.split()[0] for line in screen.splitlines() if line and not line[0].isspace()]


class TestMetrics:
    def test_screen(self, cli: Cli):
        """metrics shows machine, process, runs and definitions on labelled lines in 80 columns."""
        result = cli("metrics")
        assert result.returncode == 0, result.stderr
        screen = result.stdout
        assert labels(screen)[1:] == [
            "System",
            "Process",
            "Runs",
            "Last",
            "Durations",
            "Jobs",
            "Pipelines",
            "Schedules",
            "Internals",
        ]
        assert "% of " in screen and "available of" in screen and "RSS" in screen
        assert " commits, " in screen and " messages handled, " in screen
        assert max(len(line) for line in screen.splitlines()) <= 80

    def test_json_is_the_api_document(self, cli: Cli, server: ServerProcess, tmp_path: Path):
        """--output json prints GET /metrics as the API sends it, counts included."""
        failed_run(server, tmp_path)
        doc = as_json(cli("--output", "json", "metrics"))
        assert set(doc) >= {"system", "process", "jobs", "pipelines", "runs", "schedules"}
        assert doc["runs"]["by_state_24h"].get("failed", 0) >= 1
        assert doc["jobs"]["total"] == server.request("GET", "/jobs")[1]["total"]


class TestStatus:
    def test_screen_shows_failures(self, cli: Cli, server: ServerProcess, tmp_path: Path):
        """status names the server, its health and version, counts, and the latest failed run."""
        run = failed_run(server, tmp_path)
        result = cli("status")
        assert result.returncode == 0, result.stderr
        screen = result.stdout
        assert f"{server.url}: ok, version 0.3.0 Alpha" in screen
        assert labels(screen)[:7] == [
            "Server",
            "Jobs",
            "Pipelines",
            "Schedules",
            "Runs",
            "Last",
            "Resources",
        ]
        failures = screen.split("Latest failed runs\n", 1)[1].splitlines()
        assert failures[0].split() == ["RUN", "OWNER", "STATE", "FINISHED", "ERROR"]
        assert failures[1].startswith(run["id"]) and "failed" in failures[1]
        assert max(len(line) for line in screen.splitlines()) <= 80

    def test_json(self, cli: Cli, server: ServerProcess, tmp_path: Path):
        """--output json is one document with health, version, metrics and failed runs."""
        run = failed_run(server, tmp_path)
        doc = as_json(cli("--output", "json", "status"))
        assert doc["server"] == server.url and doc["health"] == {"status": "ok"}
        assert doc["version"]["display"] == "0.3.0 Alpha" and "runs" in doc["metrics"]
        assert doc["failed_runs"][0]["id"] == run["id"]


class TestExportImport:
    def test_round_trip(self, cli: Cli, server: ServerProcess, fresh_server, tmp_path: Path):
        """export -o FILE, then import FILE into an empty server, reproduces the definitions."""
        job_body = {"name": unique("job"), "command": "echo $T", "workdir": str(tmp_path)}
        job = make(server, "/jobs", {**job_body, "secret_env": {"T": "s3cr3t"}})
        steps = [{"id": "a", "job": job["id"]}]
        make(server, "/pipelines", {"name": unique("pipe"), "steps": steps})
        targets = [job["id"]]
        make(server, "/schedules", {"name": unique("s"), "cron": "0 0 1 1 *", "targets": targets})
        file = tmp_path / "backup.yaml"
        exported = cli("export", "-o", str(file), "--include-secrets")
        assert exported.returncode == 0 and file.exists()
        if os.name == "posix":  # Windows has no owner-only permission bits to check
            assert stat.S_IMODE(file.stat().st_mode) == 0o600
        doc = yaml.safe_load(file.read_text())
        fresh = cli_for(fresh_server, tmp_path / "fresh")
        imported = fresh("import", str(file))
        assert imported.returncode == 0, imported.stderr
        assert f"created  job       {job['name']}  {job['id']}" in imported.stdout
        assert imported.stdout.rstrip().endswith("Imported (merge mode).")
        again = as_json(fresh("--output", "json", "export", "--include-secrets"))
        for section in DEFINITIONS:
            assert again[section] == doc[section], section
        copied = next(item for item in again["jobs"] if item["id"] == job["id"])
        assert copied["secret_env"] == {"T": "s3cr3t"}

    def test_stdout_dry_run_and_replace(self, cli: Cli, server: ServerProcess, tmp_path: Path):
        """export prints to stdout; a dry run of a replace lists what would go, changing nothing."""
        job = make_job(server, tmp_path)
        text = cli("export", "--format", "json")
        assert text.returncode == 0 and json.loads(text.stdout)["format"] == "orchestrator-config"
        empty = tmp_path / "empty.json"
        empty.write_text(json.dumps({section: [] for section in DEFINITIONS}))
        planned = cli("import", str(empty), "--mode", "replace", "--dry-run")
        assert planned.returncode == 0, planned.stderr
        assert f"deleted  job       {job['name']}  {job['id']}" in planned.stdout
        assert "Dry run (replace mode): nothing was changed." in planned.stdout
        new = tmp_path / "new.json"
        new.write_text(
            json.dumps({"jobs": [{"name": "brand-new", "command": "x", "workdir": "/"}]})
        )
        planned = cli("import", str(new), "--dry-run")
        assert "created  job       brand-new  (new ID)" in planned.stdout, planned.stdout
        assert server.request("GET", f"/jobs/{job['id']}")[0] == 200

    def test_invalid_document(self, cli: Cli, tmp_path: Path):
        """A refused import prints every problem with its path and exits 1."""
        bad = tmp_path / "bad.yaml"
        bad.write_text(
            "jobs:\n- name: half\npipelines:\n- name: p\n  steps: [{id: a, job: nope}]\n"
        )
        result = cli("import", str(bad))
        assert result.returncode == 1 and result.stdout == ""
        lines = result.stderr.splitlines()
        assert lines[0] == "error: the document has 3 problems; nothing was changed:"
        assert sorted(lines[1:]) == [
            "  jobs[0].command: is required",
            "  jobs[0].workdir: is required",
            "  pipelines[0].steps[0].job: no job has the ID or name 'nope'",
        ]

    def test_usage_and_syntax_errors(self, cli: Cli, tmp_path: Path):
        """A missing file or a bad --mode exits 2; YAML the server cannot read exits 1."""
        missing = cli("import", str(tmp_path / "none.yaml"))
        assert missing.returncode == 2 and "cannot read" in missing.stderr
        assert cli("import", str(tmp_path / "none.yaml"), "--mode", "wipe").returncode == 2
        broken = tmp_path / "broken.yml"
        broken.write_text("jobs: [\n")
        result = cli("import", str(broken))
        assert result.returncode == 1 and result.stderr.count("\n") == 1
        assert "not valid YAML" in result.stderr
