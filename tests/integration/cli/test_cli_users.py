"""`orchestrator-cli users` end to end: create, list, get, update, delete, and who may."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli as cli_group
from tests.cli_helpers import Cli, as_json, cli_for, field, make, unique
from tests.support import ServerProcess

PASSWORD = "correct-horse-battery"


@pytest.fixture
def cli(server: ServerProcess, tmp_path: Path) -> Cli:
    """The real CLI against the module's server as admin, logs and config in this test's folder."""
    return cli_for(server, tmp_path)


def login_works(server: ServerProcess, username: str, password: str) -> bool:
    body = {"username": username, "password": password}
    return server.request("POST", "/auth/login", body, key=None)[0] == 200


class TestUsers:
    def test_create_list_get(self, cli: Cli, server: ServerProcess):
        """create makes a user who can sign in; list and get show it, by ID or username."""
        name = unique("ann")
        args = ("users", "create", "--username", name, "--role", "writer", "--password", PASSWORD)
        user = as_json(cli("--output", "json", *args))
        assert user["id"].startswith("U") and (user["role"], user["enabled"]) == ("writer", True)
        assert login_works(server, name, PASSWORD)
        listed = cli("users", "list")
        assert listed.returncode == 0
        assert next(line for line in listed.stdout.splitlines() if name in line).split()[:3] == [
            user["id"],
            name,
            "writer",
        ]
        shown = cli("users", "get", name)
        assert field(shown.stdout, "id") == user["id"] and field(shown.stdout, "role") == "writer"

    def test_update_and_delete(self, cli: Cli, server: ServerProcess):
        """update changes role, password and access; delete removes the user (exit 1 after)."""
        name = unique("bob")
        make(server, "/users", {"username": name, "password": PASSWORD, "role": "reader"})
        new_password = "another-long-password"
        changed = as_json(
            cli(
                "--output",
                "json",
                "users",
                "update",
                name,
                "--role",
                "admin",
                "--password",
                new_password,
            )
        )
        assert changed["role"] == "admin"
        assert login_works(server, name, new_password) and not login_works(server, name, PASSWORD)
        disabled = cli("users", "update", name, "--disable")
        assert disabled.returncode == 0 and field(disabled.stdout, "enabled") == "no"
        assert not login_works(server, name, new_password)
        deleted = cli("users", "delete", name)
        assert deleted.returncode == 0 and deleted.stdout.strip() == f"Deleted user {name}."
        gone = cli("users", "get", name)
        assert gone.returncode == 1 and gone.stderr.startswith("error: ")

    def test_create_disabled_with_a_prompted_password(self, server: ServerProcess, tmp_path: Path):
        """Without --password, create asks twice without echo; --disabled blocks sign-in."""
        name = unique("eve")
        env = {
            "ORCH_SERVER_URL": server.url,
            "ORCH_API_KEY": server.api_key,
            "ORCH_CLI_CONFIG": str(tmp_path / "c.yaml"),
            "ORCH_CLI_LOG_DIR": str(tmp_path / "logs"),
        }
        args = ["users", "create", "--username", name, "--role", "reader", "--disabled"]
        result = CliRunner().invoke(cli_group, args, input=f"{PASSWORD}\n{PASSWORD}\n", env=env)
        assert result.exit_code == 0, result.output
        assert "Password:" in result.output and PASSWORD not in result.output
        user = server.request("GET", f"/users/{name}")[1]
        assert user["enabled"] is False
        server.request("PATCH", f"/users/{name}", {"enabled": True})
        assert login_works(server, name, PASSWORD)

    def test_reader_is_refused(self, cli: Cli, server: ServerProcess):
        """A reader's users list exits 1 with the server's 403 message on one line."""
        name = unique("reader")
        make(server, "/users", {"username": name, "password": PASSWORD, "role": "reader"})
        key = make(server, "/keys", {"name": "t", "user": name})["secret"]
        result = cli("--api-key", key, "users", "list")
        assert result.returncode == 1 and result.stdout == ""
        assert result.stderr == "error: This action needs the admin role; you are reader.\n"

    def test_server_validation_exits_1(self, cli: Cli):
        """A password the server finds too short is its 400, printed as one line, exit 1."""
        result = cli(
            "users", "create", "--username", unique("x"), "--role", "reader", "--password", "short"
        )
        assert result.returncode == 1 and result.stderr.count("\n") == 1
        assert result.stderr.startswith("error: Invalid input: password")


class TestUsageErrors:
    @pytest.mark.parametrize(
        ("args", "expected"),
        [
            (("users", "create", "--username", "x", "--password", PASSWORD), "--role"),
            (("users", "create", "--username", "x", "--role", "boss"), "--role"),
            (("users", "update", "x"), "nothing to update"),
            (("users", "update", "x", "--password", PASSWORD, "--prompt-password"), "not both"),
            (("users", "delete"), "ID"),
        ],
    )
    def test_exit_2(self, cli: Cli, args: tuple[str, ...], expected: str):
        """A bad command line exits 2 with one line naming the problem, before any request."""
        result = cli(*args)
        assert result.returncode == 2 and expected in result.stderr
        assert result.stderr.count("\n") == 1
