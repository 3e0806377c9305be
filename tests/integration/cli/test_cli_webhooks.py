"""`orchestrator-cli webhooks` end to end: create, list, get, update, delete, and a test
delivery to a real local receiver."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli_helpers import Cli, as_json, cli_for, field, unique
from tests.support import ServerProcess
from tests.webhook_receiver import Receiver


@pytest.fixture
def cli(server: ServerProcess, tmp_path: Path) -> Cli:
    """The real CLI against the module's server as admin, logs and config in this test's folder."""
    return cli_for(server, tmp_path)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as receiving:
        yield receiving


def create(cli: Cli, url: str, *extra: str) -> dict:
    name = unique("hook")
    args = ("webhooks", "create", "--name", name, "--url", url, "--event", "job.failed", *extra)
    return as_json(cli("--output", "json", *args))


class TestDefinitions:
    def test_create_get_list(self, cli: Cli, receiver: Receiver):
        """Options become fields, the secret is masked, and list shows the webhook."""
        hook = create(cli, receiver.url, "--event", "pipeline.failed", "--secret", "s3cr3t")
        assert hook["id"].startswith("W") and hook["events"] == ["job.failed", "pipeline.failed"]
        assert (hook["secret"], hook["enabled"], hook["deliveries"]) == ("***", True, [])
        shown = cli("webhooks", "get", hook["name"])
        assert field(shown.stdout, "url") == receiver.url
        assert field(shown.stdout, "deliveries") == "none yet"
        listed = cli("webhooks", "list")
        row = next(line for line in listed.stdout.splitlines() if line.startswith(hook["id"]))
        assert row.split()[1:4] == [hook["name"], "yes", "job.failed,"]

    def test_update_and_delete(self, cli: Cli, server: ServerProcess, receiver: Receiver):
        """update changes only what is given (--event replaces the list); delete removes it."""
        hook = create(cli, receiver.url, "--disabled")
        assert hook["enabled"] is False
        args = ("webhooks", "update", hook["id"], "--event", "*", "--enabled")
        changed = as_json(cli("--output", "json", *args))
        assert (changed["events"], changed["enabled"], changed["url"]) == (
            ["*"],
            True,
            receiver.url,
        )
        deleted = cli("webhooks", "delete", hook["name"])
        assert (
            deleted.returncode == 0 and deleted.stdout.strip() == f"Deleted webhook {hook['name']}."
        )
        assert server.request("GET", f"/webhooks/{hook['id']}")[0] == 404

    def test_usage_errors(self, cli: Cli):
        """Missing fields and an empty update exit 2; a bad URL is the server's 400 (exit 1)."""
        missing = cli("webhooks", "create", "--name", unique("h"))
        assert missing.returncode == 2 and "missing --url, --event" in missing.stderr
        empty = cli("webhooks", "update", "anything")
        assert empty.returncode == 2 and "nothing to update" in empty.stderr
        bad = cli("webhooks", "create", "--name", unique("h"), "--url", "ftp://x", "--event", "*")
        assert bad.returncode == 1 and bad.stderr.startswith("error: Invalid input: url")


class TestDelivery:
    def test_test_reaches_the_receiver(self, cli: Cli, receiver: Receiver):
        """test sends a signed test event and exits 0 once the receiver accepted it."""
        hook = create(cli, receiver.url, "--secret", "sign-me")
        result = cli("webhooks", "test", hook["name"])
        assert result.returncode == 0, result.stderr
        assert field(result.stdout, "state") == "delivered"
        assert "HTTP 200" in field(result.stdout, "attempts")
        delivered = receiver.wait(1)[0]
        assert delivered.signed_with("sign-me")
        assert delivered.headers.get("x-orchestrator-event") == "test"
        shown = cli("webhooks", "get", hook["id"])
        assert "test  delivered" in field(shown.stdout, "deliveries")

    def test_refused_delivery_exits_1(self, cli: Cli):
        """A receiver answering 404 makes test exit 1 with the status on one line."""
        with Receiver(statuses=(404,) * 10) as refusing:
            hook = create(cli, refusing.url)
            result = cli("webhooks", "test", hook["id"], "--wait-timeout", "5")
            assert refusing.received
        assert result.returncode == 1 and result.stderr.count("\n") == 1
        assert "HTTP 404" in result.stderr

    def test_without_waiting_and_disabled(self, cli: Cli, receiver: Receiver):
        """--timeout 0 only names the delivery; a disabled webhook is the server's 409."""
        hook = create(cli, receiver.url)
        sent = as_json(
            cli("--output", "json", "webhooks", "test", hook["id"], "--wait-timeout", "0")
        )
        assert sent["delivery_id"].startswith("D")
        cli("webhooks", "update", hook["id"], "--disabled")
        refused = cli("webhooks", "test", hook["id"])
        assert refused.returncode == 1 and "disabled" in refused.stderr
