"""`orchestrator-cli keys` and `audit` end to end: API keys made, listed and revoked, and the
trail of who did what, filtered."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.cli_helpers import Cli, as_json, cli_for, make, unique
from tests.support import ServerProcess

PASSWORD = "correct-horse-battery"


@pytest.fixture
def cli(server: ServerProcess, tmp_path: Path) -> Cli:
    """The real CLI against the module's server as admin, logs and config in this test's folder."""
    return cli_for(server, tmp_path)


def works(server: ServerProcess, secret: str) -> bool:
    return server.request("GET", "/me", key=secret)[0] == 200


class TestKeys:
    def test_create_shows_the_secret_once(self, cli: Cli, server: ServerProcess):
        """create prints a working secret and warns on stderr that it will not be shown again."""
        name = unique("ci")
        result = cli("keys", "create", "--name", name, "--expires", "30d")
        assert result.returncode == 0, result.stderr
        secret = next(
            line.split()[1] for line in result.stdout.splitlines() if line.startswith("secret")
        )
        assert secret.startswith("ork_") and works(server, secret)
        assert "will not be shown again" in result.stderr
        listed = cli("--output", "json", "keys", "list")
        key = next(item for item in as_json(listed)["items"] if item["name"] == name)
        assert "secret" not in key and secret not in listed.stdout
        expires = datetime.fromisoformat(key["expires_at"])
        assert timedelta(days=29) < expires - datetime.now(expires.tzinfo) <= timedelta(days=30)

    def test_keys_of_another_user_and_revoke(self, cli: Cli, server: ServerProcess):
        """An admin makes a key for a user, lists it with --user, and revoke stops it at once."""
        user = unique("bot")
        make(server, "/users", {"username": user, "password": PASSWORD, "role": "reader"})
        key = as_json(cli("--output", "json", "keys", "create", "--user", user, "--name", "bot"))
        assert key["username"] == user and works(server, key["secret"])
        listed = cli("keys", "list", "--user", user)
        rows = listed.stdout.splitlines()
        assert rows[0].split()[:3] == ["ID", "NAME", "USER"]
        assert [row.split()[0] for row in rows[1:]] == [key["id"]]
        revoked = cli("keys", "revoke", key["id"])
        assert revoked.returncode == 0 and revoked.stdout.strip() == f"Revoked key {key['id']}."
        assert not works(server, key["secret"])
        again = cli("keys", "revoke", key["id"])
        assert again.returncode == 1 and again.stderr.startswith("error: ")

    def test_usage_errors(self, cli: Cli):
        """A bad --expires or a missing KEY_ID exits 2 before any request."""
        bad_time = cli("keys", "create", "--expires", "soonish")
        assert bad_time.returncode == 2 and "--expires" in bad_time.stderr
        missing = cli("keys", "revoke")
        assert missing.returncode == 2 and "KEY_ID" in missing.stderr


class TestAudit:
    def test_filters(self, cli: Cli, server: ServerProcess):
        """--user, --action, --target, --since and --limit narrow the trail, newest first."""
        user = unique("aud")
        made = make(server, "/users", {"username": user, "password": PASSWORD, "role": "reader"})
        server.request("PATCH", f"/users/{made['id']}", {"role": "writer"})
        doc = as_json(cli("--output", "json", "audit", "--action", "user.update", "--limit", "5"))
        assert doc["items"] and {item["action"] for item in doc["items"]} == {"user.update"}
        assert doc["items"][0]["target"] == made["id"]
        by_target = as_json(cli("--output", "json", "audit", "--target", made["id"]))
        assert [item["action"] for item in by_target["items"]] == ["user.update", "user.create"]
        recent = as_json(cli("--output", "json", "audit", "--user", "admin", "--since", "1m"))
        assert recent["items"] and {item["user"] for item in recent["items"]} == {"admin"}
        future = as_json(cli("--output", "json", "audit", "--since", "2099-01-01T00:00:00Z"))
        assert future["items"] == []
        table = cli("audit", "--target", made["id"])
        lines = table.stdout.splitlines()
        assert lines[0].split() == ["ID", "TIME", "USER", "ACTION", "TARGET", "OUTCOME"]
        assert "user.update" in lines[1] and "success 200" in lines[1]
        assert max(len(line) for line in lines) <= 80

    def test_reader_and_usage_errors(self, cli: Cli, server: ServerProcess):
        """A reader is refused (exit 1); a bad --since or --limit exits 2."""
        user = unique("peek")
        make(server, "/users", {"username": user, "password": PASSWORD, "role": "reader"})
        secret = make(server, "/keys", {"user": user})["secret"]
        refused = cli("--api-key", secret, "audit")
        assert refused.returncode == 1 and "admin role" in refused.stderr
        assert cli("audit", "--since", "yesterday-ish").returncode == 2
        assert cli("audit", "--limit", "0").returncode == 2
