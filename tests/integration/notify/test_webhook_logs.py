"""What the server log says about webhook deliveries: one truthful line per delivery."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api_helpers import make_job, run_and_wait, unique
from tests.support import ServerProcess
from tests.webhook_receiver import Receiver


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    args = ("--set", "webhooks.retry_base=0.1", "--set", "webhooks.max_attempts=2")
    proc = ServerProcess(tmp_path / "data", *args).start()
    yield proc
    proc.stop()


def _info_log_with(server: ServerProcess, text: str) -> str:
    path = server.data_dir / "logs" / "info.log"
    deadline = time.monotonic() + 15
    while True:
        content = path.read_text(encoding="utf-8") if path.exists() else ""
        if text in content or time.monotonic() > deadline:
            return content
        time.sleep(0.1)


class TestDeliveryLogLines:
    def test_a_delivered_event_logs_webhook_delivered(self, server: ServerProcess, tmp_path):
        """A delivery that the receiver accepts logs "webhook delivered" with its event, and no
        false warning about the delivery record."""
        with Receiver() as receiver:
            body = {"name": unique("hook"), "url": receiver.url, "events": ["job.succeeded"]}
            assert server.request("POST", "/webhooks", body)[0] == 201
            run_and_wait(server, make_job(server, tmp_path, command="true")["id"])
            receiver.wait(1)
            text = _info_log_with(server, "webhook delivered")
        lines = [line for line in text.splitlines() if "webhook delivered" in line]
        assert len(lines) == 1, text
        assert "job.succeeded" in lines[0]
        warnings = (server.data_dir / "logs" / "warning.log").read_text(encoding="utf-8")
        assert "delivery update failed" not in warnings

    def test_a_refused_delivery_logs_webhook_delivery_failed(self, server: ServerProcess, tmp_path):
        """A receiver that answers 500 to every attempt ends in one "webhook delivery failed"
        warning once the attempts are used up."""
        with Receiver(statuses=(500, 500, 500)) as receiver:
            body = {"name": unique("hook"), "url": receiver.url, "events": ["job.failed"]}
            assert server.request("POST", "/webhooks", body)[0] == 201
            run_and_wait(server, make_job(server, tmp_path, command="exit 1")["id"])
            receiver.wait(2)
            text = _info_log_with(server, "webhook delivery failed")
        lines = [line for line in text.splitlines() if "webhook delivery failed" in line]
        assert len(lines) == 1, text
        assert "job.failed" in lines[0] and "delivery update failed" not in text
