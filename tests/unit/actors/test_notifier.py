"""The Notifier actor inside the real runtime (store, Storage, Notifier): a store that cannot
write is reported as `system.error` to its subscribers, once per repeated error, and finished
runs published by Storage become deliveries."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from actors import messages as m
from orchestrator.config import load_config
from orchestrator.log import setup_logging
from orchestrator.startup.runtime import Runtime
from orchestrator.store.health import StoreUnavailable
from tests.webhook_receiver import Receiver


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    """The actors of a server with an empty store, without the HTTP side."""
    overrides = {"server.data_dir": str(tmp_path / "data"), "webhooks.retry_base": 0.05}
    config = load_config(env={}, overrides=overrides)
    logs = setup_logging(config.log_dir, console=False)
    system = Runtime(config)
    yield system
    system.stop()
    logs.close()


def _hook(runtime: Runtime, url: str, events: list[str]) -> dict:
    body = {"name": f"hook-{len(events)}", "url": url, "events": events, "secret": "k"}
    return runtime.storage.ask(m.Create("webhook", body, "admin"))


class TestStoreFailure:
    def test_a_failed_write_is_reported_once(self, runtime: Runtime):
        """When a commit fails (here: a table dropped behind the store's back), the writer gets
        the error and system.error subscribers a signed delivery; the same error again within
        a minute is not sent twice."""
        with Receiver() as receiver:
            _hook(runtime, receiver.url, ["system.error"])
            db = sqlite3.connect(runtime.config.store_path)
            db.execute('DROP TABLE "jobs"')
            db.close()
            job = {"name": "j", "command": "true", "workdir": str(Path.cwd())}
            for name in ("j1", "j2"):
                with pytest.raises(StoreUnavailable) as refused:
                    runtime.storage.ask(m.Create("job", {**job, "name": name}, "admin"))
                assert "no such table" in refused.value.details["cause"]
            got = receiver.wait(1)[0]
            time.sleep(0.3)
        assert len(receiver.received) == 1 and got.signed_with("k")
        assert got.json["event"] == "system.error"
        assert got.json["error"]["message"] == "The store could not write to disk."
        assert "no such table" in got.json["error"]["details"]["error"]


class TestRunEnded:
    def test_only_final_states_are_sent_once(self, runtime: Runtime):
        """A run's progress is not announced; its end is, once, even if told twice."""
        with Receiver() as receiver:
            _hook(runtime, receiver.url, ["*"])
            run = {"id": "R0000000000AA", "kind": "job", "state": "running"}
            runtime.notifier.tell(m.Committed((run,)))
            runtime.notifier.tell(m.Committed(({**run, "state": "cancelled"},)))
            runtime.notifier.tell(m.Committed(({**run, "state": "failed"},)))
            got = receiver.wait(1)[0]
            time.sleep(0.3)
        assert len(receiver.received) == 1
        assert got.json["event"] == "job.failed" and got.json["run"]["state"] == "cancelled"
