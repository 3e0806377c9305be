"""`orchestrator-cli pipelines` end to end, definitions: create, list, get, update, copy, delete."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.cli_helpers import Cli, as_json, cli_for, make_job, make_pipeline, unique
from tests.support import ServerProcess


@pytest.fixture
def cli(server: ServerProcess, tmp_path: Path) -> Cli:
    """The real CLI against the module's server, logs and config in this test's folder."""
    return cli_for(server, tmp_path)


class TestCreate:
    def test_step_syntax(self, cli: Cli, server: ServerProcess, tmp_path: Path):
        """ID=JOB follows the previous step, ID=JOB: is a root, ID=JOB:A,B waits for A and B."""
        one, two = make_job(server, tmp_path), make_job(server, tmp_path)
        pipeline = make_pipeline(
            cli,
            f"a={one['name']}",
            f"b={two['id']}",
            f"c={one['name']}:",
            f"d={two['name']}:a,c",
            extra=("--on-failure", "continue", "--max-attempts", "2", "--tag", "t"),
        )
        steps = {step["id"]: (step["job"], step["depends_on"]) for step in pipeline["steps"]}
        assert steps == {
            "a": (one["id"], []),
            "b": (two["id"], ["a"]),
            "c": (one["id"], []),
            "d": (two["id"], ["a", "c"]),
        }
        assert pipeline["id"].startswith("P") and pipeline["on_failure"] == "continue"
        assert pipeline["max_attempts"] == 2 and pipeline["tags"] == ["t"]

    @pytest.mark.parametrize("step", ["a", "=job", "a=", "a=job:b,,c"])
    def test_bad_step_is_a_usage_error(self, cli: Cli, step: str):
        """A malformed --step exits 2 with one line naming the option, before any request."""
        result = cli("pipelines", "create", "--name", unique("bad"), "--step", step)
        assert result.returncode == 2
        assert result.stderr.startswith("error: ") and "--step" in result.stderr
        assert result.stderr.count("\n") == 1

    def test_missing_steps_is_a_usage_error(self, cli: Cli):
        """create without --step (or a file holding steps) exits 2 and says what is missing."""
        result = cli("pipelines", "create", "--name", unique("empty"))
        assert result.returncode == 2 and "missing --step" in result.stderr

    def test_unknown_job_is_an_api_error(self, cli: Cli):
        """The server's 422 comes through as one line with exit code 1."""
        result = cli("pipelines", "create", "--name", unique("p"), "--step", "a=no-such-job")
        assert result.returncode == 1
        assert result.stderr == "error: Unknown job(s) in the pipeline: no-such-job.\n"

    def test_create_from_file(self, cli: Cli, server: ServerProcess, tmp_path: Path):
        """-f FILE.yaml takes the API's body shape; options given as well override its fields."""
        job = make_job(server, tmp_path)
        body = {
            "name": "overridden",
            "steps": [{"id": "x", "job": job["name"]}, {"id": "y", "job": job["name"]}],
            "description": "from a file",
        }
        file = tmp_path / "pipeline.yaml"
        file.write_text(yaml.safe_dump(body))
        name = unique("file")
        pipeline = as_json(
            cli("--output", "json", "pipelines", "create", "-f", str(file), "--name", name)
        )
        assert (pipeline["name"], pipeline["description"]) == (name, "from a file")
        assert [step["depends_on"] for step in pipeline["steps"]] == [[], ["x"]]


class TestRead:
    def test_json_is_the_api_document(self, cli: Cli, server: ServerProcess, tmp_path: Path):
        """get and list in json print exactly what the API answers."""
        job = make_job(server, tmp_path)
        pipeline = make_pipeline(cli, f"a={job['id']}")
        got = as_json(cli("--output", "json", "pipelines", "get", pipeline["name"]))
        assert got == server.request("GET", f"/pipelines/{pipeline['id']}")[1]
        listed = as_json(cli("--output", "json", "pipelines", "list", "-q", pipeline["name"]))
        assert listed == server.request("GET", f"/pipelines?q={pipeline['name']}")[1]
        assert listed["total"] == 1

    def test_list_table(self, cli: Cli, server: ServerProcess, tmp_path: Path):
        """list prints a table that fits 80 columns, with the number of steps."""
        job = make_job(server, tmp_path)
        pipeline = make_pipeline(cli, f"a={job['id']}", f"b={job['id']}")
        table = cli("pipelines", "list", "-q", pipeline["name"])
        assert table.returncode == 0 and table.stdout.startswith("ID")
        row = next(line for line in table.stdout.splitlines() if pipeline["id"] in line)
        assert row.split()[1:4] == [pipeline["name"], "never_run", "2"]
        assert all(len(line) <= 80 for line in table.stdout.splitlines())

    def test_get_missing_is_exit_1(self, cli: Cli):
        """An unknown pipeline is the server's 404 as one line, exit code 1."""
        result = cli("pipelines", "get", "no-such-pipeline")
        assert result.returncode == 1 and result.stderr.startswith("error: ")
        assert result.stderr.count("\n") == 1


class TestChange:
    def test_update_replaces_steps_keeps_the_rest(
        self, cli: Cli, server: ServerProcess, tmp_path: Path
    ):
        """update --step replaces every step; fields not given keep their values."""
        one, two = make_job(server, tmp_path), make_job(server, tmp_path)
        pipeline = make_pipeline(
            cli, f"a={one['id']}", f"b={one['id']}", extra=("--description", "kept")
        )
        updated = as_json(
            cli(
                "--output",
                "json",
                "pipelines",
                "update",
                pipeline["id"],
                "--step",
                f"z={two['id']}",
            )
        )
        assert [(s["id"], s["job"]) for s in updated["steps"]] == [("z", two["id"])]
        assert updated["description"] == "kept"
        disabled = as_json(
            cli("--output", "json", "pipelines", "update", pipeline["name"], "--disabled")
        )
        assert disabled["enabled"] is False and disabled["steps"] == updated["steps"]

    def test_update_without_fields_is_a_usage_error(self, cli: Cli):
        """update with nothing to change exits 2 without asking the server."""
        result = cli("pipelines", "update", "whatever")
        assert result.returncode == 2 and "nothing to update" in result.stderr

    def test_copy(self, cli: Cli, server: ServerProcess, tmp_path: Path):
        """copy names the new pipeline <name>-copy unless --name says otherwise."""
        job = make_job(server, tmp_path)
        pipeline = make_pipeline(cli, f"a={job['id']}")
        default = as_json(cli("--output", "json", "pipelines", "copy", pipeline["id"]))
        named = as_json(
            cli("--output", "json", "pipelines", "copy", pipeline["id"], "--name", unique("n"))
        )
        assert default["name"] == pipeline["name"] + "-copy" and default["id"] != pipeline["id"]
        assert named["steps"] == pipeline["steps"] and named["id"] != default["id"]

    def test_delete_needs_force_while_scheduled(
        self, cli: Cli, server: ServerProcess, tmp_path: Path
    ):
        """delete refuses (exit 1) while a schedule targets the pipeline; --force removes it."""
        job = make_job(server, tmp_path)
        pipeline = make_pipeline(cli, f"a={job['id']}")
        body = {"name": unique("s"), "cron": "0 0 1 1 *", "targets": [pipeline["id"]]}
        status, schedule = server.request("POST", "/schedules", body)
        assert status == 201, schedule
        refused = cli("pipelines", "delete", pipeline["id"])
        assert refused.returncode == 1 and schedule["name"] in refused.stderr
        deleted = cli("pipelines", "delete", pipeline["id"], "--force")
        assert deleted.returncode == 0 and pipeline["id"] in deleted.stdout
        assert server.request("GET", f"/pipelines/{pipeline['id']}")[0] == 404
        assert server.request("GET", f"/schedules/{schedule['id']}")[1]["targets"] == []
