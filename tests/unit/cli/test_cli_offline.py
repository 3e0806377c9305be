"""The CLI's behaviour that needs no server: usage errors, version, exit codes, logging, config."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import VERSION_DISPLAY, __version__
from cli.config import DEFAULT_SERVER, load_file, resolve, save_file
from cli.main import cli
from tests.support import ROOT, free_port


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own log directory and config file, and no server from the outside."""
    monkeypatch.setenv("ORCH_CLI_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv("ORCH_CLI_CONFIG", str(tmp_path / "cli.yaml"))
    monkeypatch.setenv("ORCH_SERVER_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.delenv("ORCH_API_KEY", raising=False)
    monkeypatch.delenv("ORCH_CLI_OUTPUT", raising=False)
    return tmp_path


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), prog_name="orchestrator-cli")


class TestVersion:
    def test_version_option(self):
        """--version prints the product name and the display version, and exits 0."""
        result = invoke("--version")
        assert result.exit_code == 0
        assert result.stdout.strip() == "orchestrator 0.3.0 Alpha"

    def test_version_matches_the_project(self):
        """The client's version is the one pyproject.toml declares."""
        project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
        assert __version__ == project["version"]
        assert VERSION_DISPLAY == "0.3.0 Alpha"


class TestUsageErrors:
    def test_malformed_env_is_a_usage_error(self):
        """--env without '=' exits 2 with one line naming the option."""
        result = invoke("jobs", "run", "J1", "--env", "NOEQUALS")
        assert result.exit_code == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1
        assert lines[0].startswith("error: ") and "--env" in lines[0] and "KEY=VALUE" in lines[0]

    def test_empty_env_key_is_a_usage_error(self):
        """--env '=value' has no key and is refused before any request."""
        result = invoke(
            "jobs", "create", "--name", "a", "--command", "c", "--workdir", "/", "--env", "=v"
        )
        assert result.exit_code == 2

    def test_unknown_command(self):
        """An unknown command exits 2 with one line and no traceback."""
        result = invoke("nope")
        assert result.exit_code == 2
        assert result.stderr.count("\n") == 1 and "nope" in result.stderr

    def test_create_needs_name_command_workdir(self):
        """jobs create without its required fields is a usage error, not a server round trip."""
        result = invoke("jobs", "create", "--name", "only-a-name")
        assert result.exit_code == 2
        assert "--command" in result.stderr and "--workdir" in result.stderr

    def test_update_needs_a_field(self):
        """jobs update with no field to change exits 2."""
        result = invoke("jobs", "update", "J1")
        assert result.exit_code == 2
        assert "nothing to update" in result.stderr

    def test_bad_time(self):
        """An unreadable --at time exits 2 and explains the accepted forms."""
        result = invoke("jobs", "run", "J1", "--at", "next tuesday-ish")
        assert result.exit_code == 2
        assert "ISO 8601" in result.stderr

    def test_body_file_must_be_a_mapping(self, tmp_path: Path):
        """-f with a YAML list instead of a mapping exits 2."""
        file = tmp_path / "job.yaml"
        file.write_text("- just\n- a list\n")
        result = invoke("jobs", "create", "-f", str(file))
        assert result.exit_code == 2
        assert "mapping" in result.stderr

    def test_bad_output_format(self):
        """--output accepts only table, json and yaml."""
        assert invoke("--output", "xml", "health").exit_code == 2


class TestUnreachableServer:
    def test_one_line_and_exit_1(self):
        """A server that refuses connections gives exit 1 and one readable line, no traceback."""
        url = f"http://127.0.0.1:{free_port()}"
        result = invoke("--server", url, "jobs", "list")
        assert result.exit_code == 1
        assert result.stderr.startswith(f"error: cannot reach the server at {url}: ")
        assert result.stderr.count("\n") == 1
        assert "Traceback" not in result.output

    def test_version_still_prints_the_client(self):
        """`version` shows the client's version even when the server cannot answer."""
        result = invoke("version")
        assert result.exit_code == 1
        assert "client  0.3.0 Alpha" in result.stdout
        assert "cannot reach the server" in result.stderr


class TestLogging:
    def test_files_always_written(self, isolated: Path):
        """Every invocation logs to debug.log; errors reach error.log too."""
        invoke("--silent", "jobs", "list")
        logs = isolated / "logs"
        assert "request GET /jobs" in (logs / "debug.log").read_text()
        assert "cannot reach the server" in (logs / "error.log").read_text()

    def test_console_only_with_debug(self):
        """Without --debug the console shows only the error line; with it, the debug records."""
        quiet = invoke("jobs", "list")
        loud = invoke("--debug", "jobs", "list")
        assert "DEBUG" not in quiet.stderr
        assert re.search(r"DEBUG .*request GET /jobs", loud.stderr)

    def test_silent_wins_over_debug(self):
        """--silent keeps the console free of log records even with --debug."""
        result = invoke("--debug", "--silent", "jobs", "list")
        assert "DEBUG" not in result.stderr
        assert result.stderr.startswith("error: ")


class TestConfig:
    def test_default_server(self, monkeypatch: pytest.MonkeyPatch):
        """With no option, variable or file, the CLI talks to the local default."""
        monkeypatch.delenv("ORCH_SERVER_URL")
        assert resolve(None, None).server == DEFAULT_SERVER == "http://127.0.0.1:8080"

    def test_precedence(self, monkeypatch: pytest.MonkeyPatch):
        """Option beats environment, environment beats the file, the file beats the default."""
        save_file({"server": "http://file:1", "api_key": "file-key"})
        monkeypatch.delenv("ORCH_SERVER_URL")
        assert resolve(None, None) == resolve("http://file:1", "file-key")
        monkeypatch.setenv("ORCH_SERVER_URL", "http://env:2/")
        monkeypatch.setenv("ORCH_API_KEY", "env-key")
        assert (resolve(None, None).server, resolve(None, None).api_key) == (
            "http://env:2",
            "env-key",
        )
        assert resolve("http://opt:3", "opt-key").api_key == "opt-key"
        assert resolve("http://opt:3", None).server == "http://opt:3"

    def test_scheme_is_optional(self):
        """A server given as host:port means plain HTTP."""
        assert resolve("localhost:9000", None).server == "http://localhost:9000"

    @pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
    def test_saved_file_is_private(self, isolated: Path):
        """The file that may hold a key is readable by its owner only."""
        path = save_file({"api_key": "secret"})
        assert path.stat().st_mode & 0o777 == 0o600
        assert load_file(path) == {"api_key": "secret"}

    def test_broken_file_is_one_line(self, isolated: Path, monkeypatch: pytest.MonkeyPatch):
        """A config file that is not a mapping gives exit 1 and names the file."""
        monkeypatch.delenv("ORCH_SERVER_URL")
        (isolated / "cli.yaml").write_text("[1, 2")
        result = invoke("jobs", "list")
        assert result.exit_code == 1
        assert "cli.yaml" in result.stderr and result.stderr.count("\n") == 1


def test_a_past_at_exits_2_before_any_request() -> None:
    """`jobs run X --at -5m` is a usage error naming the time understood; nothing is sent."""
    result = invoke("jobs", "run", "J1", "--at", "-5m")
    assert result.exit_code == 2
    assert "which is in the past" in result.output
