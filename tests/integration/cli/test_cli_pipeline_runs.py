"""`orchestrator-cli pipelines run | runs | get` end to end: running pipelines and reading the
states of their steps."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli.table import when
from tests.cli_helpers import Cli, as_json, cli_for, field, make_job, make_pipeline
from tests.support import ServerProcess


@pytest.fixture
def cli(server: ServerProcess, tmp_path: Path) -> Cli:
    """The real CLI against the module's server, logs and config in this test's folder."""
    return cli_for(server, tmp_path)


class TestRun:
    def test_get_shows_steps_and_latest_states(
        self, cli: Cli, server: ServerProcess, tmp_path: Path
    ):
        """get shows each step's job name and dependencies, then their states in the last run."""
        good, bad = make_job(server, tmp_path), make_job(server, tmp_path, "exit 1")
        pipeline = make_pipeline(cli, f"first={good['id']}", f"second={bad['id']}:first")
        before = cli("pipelines", "get", pipeline["id"]).stdout
        rows = [line.split()[-3:] for line in before.splitlines()]
        assert ["first", good["name"], "(root)"] in rows
        assert ["second", bad["name"], "first"] in rows and "LAST RUN" not in before
        assert cli("pipelines", "run", pipeline["id"], "--wait").returncode == 1
        after = cli("pipelines", "get", pipeline["name"]).stdout.splitlines()
        assert any(line.split()[-2:] == ["(root)", "succeeded"] for line in after)
        assert any(line.split()[-2:] == ["first", "failed"] for line in after)

    def test_wait_success_prints_step_states(self, cli: Cli, server: ServerProcess, tmp_path: Path):
        """run --wait exits 0 when the pipeline succeeded; the run then shows each step's state."""
        job = make_job(server, tmp_path)
        pipeline = make_pipeline(cli, f"one={job['id']}", f"two={job['id']}")
        result = cli("pipelines", "run", pipeline["name"], "--wait", "--wait-timeout", "60")
        assert result.returncode == 0, result.stderr
        final = result.stdout.splitlines()[-1].split()
        assert final[0] == "succeeded"
        lines = cli("runs", "get", final[1]).stdout.splitlines()
        assert any(line.split()[:2] == ["state", "succeeded"] for line in lines)
        # The steps table names each step's job by name, not by ID.
        steps = [line.split() for line in lines if line.split()[-1:] == [job["name"]]]
        assert [(row[-4], row[-3]) for row in steps] == [("one", "succeeded"), ("two", "succeeded")]

    def test_wait_failure_exits_1(self, cli: Cli, server: ServerProcess, tmp_path: Path):
        """run --wait exits 1 when a step fails; json output is the finished run, the reason on
        stderr."""
        good, bad = make_job(server, tmp_path), make_job(server, tmp_path, "exit 5")
        pipeline = make_pipeline(cli, f"a={good['id']}", f"b={bad['id']}")
        result = cli("--output", "json", "pipelines", "run", pipeline["id"], "--wait")
        assert result.returncode == 1
        run = json.loads(result.stdout)
        assert run["state"] == "failed" and run["owner_id"] == pipeline["id"]
        assert [step["state"] for step in run["steps"]] == ["succeeded", "failed"]
        assert run == server.request("GET", f"/runs/{run['id']}")[1]
        assert result.stderr.startswith(f"error: run {run['id']} failed")
        assert result.stderr.count("\n") == 1

    def test_env_reaches_the_steps(self, cli: Cli, server: ServerProcess, tmp_path: Path):
        """--env K=V is in the environment of the steps' jobs."""
        job = make_job(server, tmp_path, "echo value=$GREETING")
        pipeline = make_pipeline(cli, f"a={job['id']}")
        result = cli("pipelines", "run", pipeline["id"], "--wait", "--env", "GREETING=salut")
        assert result.returncode == 0, result.stderr
        context = server.request("GET", f"/contexts/{pipeline['id']}")[1]
        assert context["content"].strip() == "value=salut"

    def test_at_plans_a_run_shown_as_next_run(
        self, cli: Cli, server: ServerProcess, tmp_path: Path
    ):
        """run --at plans the run; get shows next_run_at; runs lists it."""
        job = make_job(server, tmp_path)
        pipeline = make_pipeline(cli, f"a={job['id']}")
        run = as_json(cli("--output", "json", "pipelines", "run", pipeline["id"], "--at", "1h"))
        assert run["state"] == "scheduled"
        shown = cli("pipelines", "get", pipeline["id"]).stdout
        assert field(shown, "next_run_at") == when(run["scheduled_for"])
        listed = as_json(cli("--output", "json", "pipelines", "runs", pipeline["name"]))
        assert [item["id"] for item in listed["items"]] == [run["id"]]
        assert cli("runs", "cancel", run["id"]).returncode == 0
