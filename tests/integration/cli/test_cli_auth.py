"""`orchestrator-cli login`, `logout` and `whoami` end to end: a session token kept in the CLI
config file and used by later commands in place of an API key."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cli.main import cli as cli_group
from tests.support import ADMIN_PASSWORD, ROOT, ServerProcess

Run = Callable[..., subprocess.CompletedProcess]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return tmp_path / "cli.yaml"


@pytest.fixture
def run(server: ServerProcess, tmp_path: Path, config: Path) -> Run:
    """The real CLI with no ORCH_API_KEY at all: only the config file can hold a credential."""
    env = {key: value for key, value in os.environ.items() if key != "ORCH_API_KEY"}
    env.update(
        ORCH_SERVER_URL=server.url,
        ORCH_CLI_CONFIG=str(config),
        ORCH_CLI_LOG_DIR=str(tmp_path / "logs"),
    )

    def invoke(*args: str, **extra_env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "cli", *args],
            env={**env, **extra_env},
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
        )

    return invoke


def login(run: Run) -> None:
    result = run("login", "--username", "admin", "--password", ADMIN_PASSWORD)
    assert result.returncode == 0, result.stderr


def whoami(run: Run, *args: str, **env: str) -> dict:
    result = run(*args, "--output", "json", "whoami", **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


class TestLogin:
    def test_token_and_server_are_kept_owner_only(self, run: Run, config: Path, server):
        """login writes the server URL and a session token to the config file (mode 0600)."""
        result = run("login", "--username", "admin", "--password", ADMIN_PASSWORD)
        assert result.returncode == 0, result.stderr
        assert "Signed in to" in result.stdout and "as admin (admin)" in result.stdout
        stored = yaml.safe_load(config.read_text())
        assert stored["server"] == server.url and stored["token"].startswith("ors_")
        if os.name == "posix":  # Windows has no owner-only permission bits to check
            assert stat.S_IMODE(config.stat().st_mode) == 0o600
        assert ADMIN_PASSWORD not in config.read_text()

    def test_later_commands_use_the_session(self, run: Run):
        """Without ORCH_API_KEY, whoami and other commands authenticate with the stored token."""
        login(run)
        me = whoami(run)
        assert (me["username"], me["role"], me["via"]) == ("admin", "admin", "session")
        listed = run("--output", "json", "users", "list")
        assert listed.returncode == 0, listed.stderr
        assert "admin" in [user["username"] for user in json.loads(listed.stdout)["items"]]

    def test_explicit_key_wins_over_the_file(self, run: Run, server: ServerProcess):
        """ORCH_API_KEY and --api-key are used instead of the stored session token."""
        login(run)
        assert whoami(run, ORCH_API_KEY=server.api_key)["via"] == "key"
        assert whoami(run, "--api-key", server.api_key)["via"] == "key"
        table = run("whoami", ORCH_API_KEY=server.api_key)
        assert table.returncode == 0 and "via" in table.stdout and "key" in table.stdout

    def test_prompts_hide_the_password(self, server: ServerProcess, tmp_path: Path, config: Path):
        """Without options, login asks for the username, then the password without echo."""
        env = {
            "ORCH_SERVER_URL": server.url,
            "ORCH_CLI_CONFIG": str(config),
            "ORCH_CLI_LOG_DIR": str(tmp_path / "logs"),
            "ORCH_API_KEY": None,
        }
        typed = f"admin\n{ADMIN_PASSWORD}\n"
        result = CliRunner().invoke(cli_group, ["login"], input=typed, env=env)
        assert result.exit_code == 0, result.output
        assert "Username:" in result.output and "Password:" in result.output
        assert ADMIN_PASSWORD not in result.output
        assert yaml.safe_load(config.read_text())["token"].startswith("ors_")

    def test_wrong_password(self, run: Run, config: Path):
        """A refused sign-in exits 1 with the server's one-line message and writes no file."""
        result = run("login", "--username", "nobody-here", "--password", "not-the-password")
        assert result.returncode == 1
        assert result.stderr == "error: Wrong username or password.\n"
        assert not config.exists()


class TestLogout:
    def test_logout_revokes_the_session(self, run: Run, config: Path, server: ServerProcess):
        """logout ends the session on the server and removes the token, keeping the server URL."""
        login(run)
        token = yaml.safe_load(config.read_text())["token"]
        result = run("logout")
        assert result.returncode == 0 and result.stdout.startswith("Signed out of")
        stored = yaml.safe_load(config.read_text())
        assert "token" not in stored and stored["server"] == server.url
        after = run("whoami")
        assert after.returncode == 1 and after.stderr.count("\n") == 1
        assert after.stderr.startswith("error: ")
        revoked = run("--api-key", token, "whoami")
        assert revoked.returncode == 1
        assert revoked.stderr == "error: The API key or session token is wrong or was revoked.\n"

    def test_session_already_ended(self, run: Run, config: Path, server: ServerProcess):
        """A session ended elsewhere still signs out cleanly and forgets the token."""
        login(run)
        token = yaml.safe_load(config.read_text())["token"]
        assert server.request("POST", "/auth/logout", key=token)[0] == 204
        result = run("logout")
        assert result.returncode == 0 and "already ended" in result.stdout
        assert "token" not in yaml.safe_load(config.read_text())

    def test_not_signed_in(self, run: Run):
        """logout without a stored session says so and succeeds."""
        result = run("logout")
        assert result.returncode == 0 and result.stdout.startswith("Not signed in")
