"""The CLI follows a run's output as it is written (`runs output --follow`, `jobs run --wait`,
`pipelines run --wait`) against a real server, with jobs that print over a few seconds."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli_helpers import Cli, as_json, cli_for, make_job, make_pipeline
from tests.support import ROOT, ServerProcess


def gated(first: str, gate: Path, rest: str) -> str:
    """A command that prints `first`, waits (up to a minute) for the test to create `gate`, then
    runs `rest`: the test reads the output mid-run without racing a sleep."""
    wait = f"i=0; while [ ! -f '{gate}' ] && [ $i -lt 300 ]; do sleep 0.2; i=$((i+1)); done"
    return f"echo {first}; {wait}; {rest}"


@pytest.fixture
def cli(server: ServerProcess, tmp_path: Path) -> Cli:
    return cli_for(server, tmp_path)


def spawn(server: ServerProcess, tmp_path: Path, *args: str) -> subprocess.Popen:
    """The real CLI as a child whose output the test reads while it runs."""
    env = {
        **os.environ,
        "ORCH_SERVER_URL": server.url,
        "ORCH_API_KEY": server.api_key,
        "ORCH_CLI_LOG_DIR": str(tmp_path / "logs"),
        "ORCH_CLI_CONFIG": str(tmp_path / "c.yaml"),
        "PYTHONUNBUFFERED": "1",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "cli", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def start_run(server: ServerProcess, job: dict) -> dict:
    status, run = server.request("POST", f"/jobs/{job['id']}/run")
    assert status in (200, 201, 202), run
    return run


def run_state(server: ServerProcess, run_id: str) -> str:
    return server.request("GET", f"/runs/{run_id}")[1]["state"]


class TestFollow:
    """`runs output RUN --follow` prints what the run writes while it runs, until it ends."""

    def test_lines_arrive_before_the_run_ends(self, server: ServerProcess, tmp_path: Path):
        """The first line is read while the run is still running; in the end all of it came."""
        gate = tmp_path / "go"
        command = gated("line1", gate, "sleep 1; echo line2; sleep 1; echo line3; echo oops >&2")
        run = start_run(server, make_job(server, tmp_path, command))
        child = spawn(server, tmp_path, "runs", "output", run["id"], "--follow")
        first = child.stdout.readline()
        assert first == "line1\n"
        assert run_state(server, run["id"]) == "running"
        gate.touch()
        rest, errors = child.communicate(timeout=60)
        assert child.returncode == 0, errors
        assert first + rest == "line1\nline2\nline3\n"
        assert errors == "oops\n"

    def test_short_flag_on_a_finished_run(self, cli: Cli, server: ServerProcess, tmp_path: Path):
        """-f on a run that already ended prints its whole output at once and exits 0."""
        job = make_job(server, tmp_path, "echo done; echo warn >&2")
        run = as_json(cli("-o", "json", "jobs", "run", job["id"], "--wait"))
        result = cli("runs", "output", run["id"], "-f")
        assert (result.returncode, result.stdout, result.stderr) == (0, "done\n", "warn\n")

    def test_json_prints_the_final_document(self, cli: Cli, server: ServerProcess, tmp_path: Path):
        """In json, --follow waits for the end and prints the output document alone."""
        run = start_run(server, make_job(server, tmp_path, "sleep 1; echo late"))
        doc = as_json(cli("-o", "json", "runs", "output", run["id"], "--follow"))
        assert doc["stdout"] == "late\n" and doc["complete"] is True


class TestRunWait:
    """`jobs run --wait` prints the output as it comes, then the run's final line."""

    def test_failure_shows_stderr_and_exits_1(self, cli: Cli, server: ServerProcess, tmp_path):
        """A failing job's stderr reaches stderr; the final line says failed; exit code 1."""
        job = make_job(server, tmp_path, "echo working; echo 'no such file' >&2; exit 3")
        result = cli("jobs", "run", job["name"], "--wait")
        assert result.returncode == 1
        lines = result.stdout.splitlines()
        assert lines[0] == "working"
        assert lines[-1].startswith("failed R") and lines[-1].endswith("exit code 3")
        assert result.stderr.startswith("no such file\n")
        assert result.stderr.splitlines()[-1].startswith("error: run R")

    def test_success_streams_mid_run(self, server: ServerProcess, tmp_path: Path):
        """Output is printed while the run goes on; the last line is `succeeded R… in …`."""
        gate = tmp_path / "go"
        job = make_job(server, tmp_path, gated("step1", gate, "echo step2; sleep 1; echo step3"))
        child = spawn(server, tmp_path, "jobs", "run", job["id"], "--wait")
        assert child.stdout.readline() == "step1\n"
        # The output is read straight from the running attempt; the run's record says
        # `running` once the Supervisor has noted the process start (milliseconds later).
        deadline = time.monotonic() + 10
        while (runs := server.request("GET", f"/runs?owner={job['id']}")[1]["items"])[0][
            "state"
        ] != "running" and time.monotonic() < deadline:
            time.sleep(0.02)
        assert runs[0]["state"] == "running"
        gate.touch()
        rest, errors = child.communicate(timeout=60)
        assert child.returncode == 0, errors
        assert rest.splitlines()[:2] == ["step2", "step3"]
        assert rest.splitlines()[-1].startswith(f"succeeded {runs[0]['id']} in ")

    def test_quiet_prints_only_the_final_line(self, cli: Cli, server: ServerProcess, tmp_path):
        """--quiet prints the final line alone, not the output."""
        job = make_job(server, tmp_path, "echo hidden; echo hidden-too >&2")
        result = cli("jobs", "run", job["id"], "--wait", "--quiet")
        assert result.returncode == 0, result.stderr
        assert result.stdout.count("\n") == 1 and result.stdout.startswith("succeeded R")
        assert "hidden" not in result.stdout + result.stderr

    def test_json_stays_one_document(self, cli: Cli, server: ServerProcess, tmp_path: Path):
        """In json, no streamed text reaches stdout: only the finished run."""
        job = make_job(server, tmp_path, "echo not-in-json")
        result = cli("-o", "json", "jobs", "run", job["id"], "--wait")
        run = json.loads(result.stdout)
        assert run["state"] == "succeeded" and "not-in-json" not in result.stdout

    def test_pipeline_steps_are_prefixed(self, cli: Cli, server: ServerProcess, tmp_path: Path):
        """pipelines run --wait prefixes each step's lines with its name, stderr on stderr."""
        first = make_job(server, tmp_path, "echo one; echo careful >&2")
        second = make_job(server, tmp_path, "echo two")
        pipeline = make_pipeline(cli, f"a={first['id']}", f"b={second['id']}:a")
        result = cli("pipelines", "run", pipeline["id"], "--wait")
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        assert "[a] one" in lines and "[b] two" in lines
        assert lines[-1].startswith("succeeded R")
        assert result.stderr == "[a] careful\n"

    def test_pipeline_streams_mid_run(self, cli: Cli, server: ServerProcess, tmp_path: Path):
        """A step's first line is printed while the pipeline runs; the next step's follow."""
        gate = tmp_path / "go"
        first = make_job(server, tmp_path, gated("one", gate, "echo two"))
        second = make_job(server, tmp_path, "echo three")
        pipeline = make_pipeline(cli, f"a={first['id']}", f"b={second['id']}:a")
        child = spawn(server, tmp_path, "pipelines", "run", pipeline["id"], "--wait")
        assert child.stdout.readline() == "[a] one\n"
        runs = server.request("GET", f"/runs?owner={pipeline['id']}")[1]["items"]
        assert runs[0]["state"] == "running"
        gate.touch()
        rest, errors = child.communicate(timeout=60)
        assert child.returncode == 0, errors
        assert rest.splitlines()[:2] == ["[a] two", "[b] three"]
        assert rest.splitlines()[-1].startswith(f"succeeded {runs[0]['id']} in ")


class TestInterrupt:
    """Ctrl-C stops the reading, not the run, and says how to cancel it."""

    def test_ctrl_c_names_the_run_that_goes_on(self, server: ServerProcess, tmp_path: Path):
        """SIGINT while following: exit 130, one line naming the run and the cancel command."""
        job = make_job(server, tmp_path, "echo started; sleep 30")
        child = spawn(server, tmp_path, "jobs", "run", job["id"], "--wait")
        assert child.stdout.readline() == "started\n"
        child.send_signal(signal.SIGINT)
        _, errors = child.communicate(timeout=30)
        run_id = server.request("GET", f"/runs?owner={job['id']}")[1]["items"][0]["id"]
        assert child.returncode == 130
        cancel = f"orchestrator-cli runs cancel {run_id}"
        assert errors.strip() == f"The run {run_id} goes on; cancel it with: {cancel}"
        assert run_state(server, run_id) == "running"
        server.request("POST", f"/runs/{run_id}/cancel")
