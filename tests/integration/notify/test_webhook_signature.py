"""Webhook signatures cover a timestamp: a real server's deliveries pass the verification recipes
documented in docs/rest-api.md (the Python function and the openssl shell lines, both taken from
the page itself), a changed body or timestamp fails them, and each retry is signed afresh."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api_helpers import unique
from tests.support import ServerProcess
from tests.webhook_receiver import Received, Receiver

ROOT = Path(__file__).resolve().parents[3]
PAGE = (ROOT / "docs" / "rest-api.md").read_text(encoding="utf-8")
SECRET = "s3cret-for-signatures"
Verify = Callable[[str, dict[str, str], bytes], bool]


def _python_recipe() -> Verify:
    """The `verify` function exactly as the page prints it."""
    found = re.search(r"<!-- webhook-verify-python -->\s*```python\n(.*?)```", PAGE, re.S)
    assert found, "docs/rest-api.md lost its Python verification snippet"
    namespace: dict[str, Any] = {}
    exec(compile(found.group(1), "rest-api.md", "exec"), namespace)  # noqa: S102 - our own doc
    return namespace["verify"]


def _shell_recipe() -> str:
    after = PAGE.split("<!-- webhook-verify-python -->", 1)[1]
    found = re.search(r"```sh\n(.*?)```", after, re.S)
    assert found, "docs/rest-api.md lost its shell verification snippet"
    return found.group(1)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """Retries 1.5 s apart, so that two attempts carry different timestamps."""
    settings = ["--set", "webhooks.retry_base=1.5", "--set", "webhooks.max_attempts=2"]
    proc = ServerProcess(tmp_path_factory.mktemp("sig") / "data", *settings).start()
    yield proc
    proc.stop()


def _deliver(server: ServerProcess, statuses: tuple[int, ...], count: int) -> list[Received]:
    """Send a test delivery to a real receiver answering `statuses`; the first `count` POSTs."""
    with Receiver(statuses) as receiver:
        body = {"name": unique("sig"), "url": receiver.url, "events": ["job.failed"]}
        status, webhook = server.request("POST", "/webhooks", {**body, "secret": SECRET})
        assert status == 201, webhook
        try:
            status, _ = server.request("POST", f"/webhooks/{webhook['id']}/test")
            assert status in (200, 202)
            return receiver.wait(count, timeout=30)
        finally:
            server.request("DELETE", f"/webhooks/{webhook['id']}")


class TestPythonRecipe:
    """The documented Python `verify` accepts real deliveries and refuses forged ones."""

    def test_a_real_delivery_verifies(self, server: ServerProcess) -> None:
        """A delivery carries a recent timestamp and a signature over `<timestamp>.<body>`."""
        verify = _python_recipe()
        (got,) = _deliver(server, (), 1)
        timestamp = int(got.headers["x-orchestrator-timestamp"])
        assert abs(time.time() - timestamp) < 60
        assert verify(SECRET, got.headers, got.body)
        assert not verify("another secret", got.headers, got.body)
        assert not verify(SECRET, got.headers, got.body + b" ")

    def test_a_changed_or_old_timestamp_fails(
        self, server: ServerProcess, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Moving the timestamp breaks the signature; replaying it later is refused as too old."""
        verify = _python_recipe()
        (got,) = _deliver(server, (), 1)
        moved = str(int(got.headers["x-orchestrator-timestamp"]) - 1)
        assert not verify(SECRET, {**got.headers, "x-orchestrator-timestamp": moved}, got.body)
        later = time.time() + 301  # the receiver's clock, five minutes and a second later
        monkeypatch.setattr(time, "time", lambda: later)
        assert not verify(SECRET, got.headers, got.body)

    def test_each_retry_is_signed_with_its_own_timestamp(self, server: ServerProcess) -> None:
        """A retried delivery has the same body and delivery ID, a later timestamp, and a
        signature that verifies with that timestamp."""
        verify = _python_recipe()
        first, second = _deliver(server, (503,), 2)
        assert first.body == second.body
        assert first.headers["x-orchestrator-delivery"] == second.headers["x-orchestrator-delivery"]
        stamps = [int(r.headers["x-orchestrator-timestamp"]) for r in (first, second)]
        assert stamps[1] > stamps[0]
        assert verify(SECRET, first.headers, first.body)
        assert verify(SECRET, second.headers, second.body)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")
class TestShellRecipe:
    """The documented openssl lines accept a real delivery and refuse a forged one."""

    def test_openssl_lines_check_a_real_delivery(
        self, server: ServerProcess, tmp_path: Path
    ) -> None:
        """`valid` for the delivery as received, `bad signature` once the body changes."""
        (got,) = _deliver(server, (), 1)
        env = {
            "PATH": "/usr/bin:/bin",
            "TS": got.headers["x-orchestrator-timestamp"],
            "SIG": got.headers["x-orchestrator-signature"],
            "SECRET": SECRET,
        }
        (tmp_path / "body.json").write_bytes(got.body)
        script = _shell_recipe()
        good = subprocess.run(
            ["sh", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True
        )
        assert good.returncode == 0 and good.stdout.strip() == "valid", good
        (tmp_path / "body.json").write_bytes(got.body + b"x")
        bad = subprocess.run(
            ["sh", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True
        )
        assert bad.returncode == 1 and "bad signature" in bad.stdout, bad
