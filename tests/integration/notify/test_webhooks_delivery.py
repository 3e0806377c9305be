"""Webhook deliveries end to end: a real server announces finished jobs and pipelines, tests and
critical errors to a real receiver, signed with the webhook's secret, retried with backoff, and
never at the expense of the runs themselves."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api_helpers import make_job, run_and_wait, start_run, unique, wait_for
from tests.pipeline_helpers import make_pipeline, run_pipeline
from tests.support import ServerProcess, free_port
from tests.webhook_receiver import Receiver

FAST_RETRIES = ("webhooks.retry_base=0.1", "webhooks.max_attempts=3", "webhooks.timeout=1")
MakeHook = Callable[..., dict[str, Any]]


def _settings() -> list[str]:
    return [arg for pair in FAST_RETRIES for arg in ("--set", pair)]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One server for the module, with quick retries so that backoff fits in a test."""
    proc = ServerProcess(tmp_path_factory.mktemp("hooks") / "data", *_settings()).start()
    yield proc
    proc.stop()


@pytest.fixture
def hook(server: ServerProcess) -> Iterator[MakeHook]:
    """Create webhooks for this test; they are deleted after it, so other tests' runs do not
    reach its (closed) receivers."""
    made: list[str] = []

    def make(url: str, events: list[str], secret: str = "") -> dict[str, Any]:
        body = {"name": unique("hook"), "url": url, "events": events, "secret": secret}
        status, webhook = server.request("POST", "/webhooks", body)
        assert status == 201, webhook
        made.append(webhook["id"])
        return webhook

    yield make
    for webhook_id in made:
        server.request("DELETE", f"/webhooks/{webhook_id}")


def _deliveries(server: ServerProcess, webhook_id: str, count: int) -> list[dict]:
    """The webhook's delivery records once `count` of them are final (newest first)."""
    deadline = time.monotonic() + 10
    while True:
        status, webhook = server.request("GET", f"/webhooks/{webhook_id}")
        assert status == 200, webhook
        final = [r for r in webhook["deliveries"] if r["state"] != "pending"]
        if len(final) >= count:
            return webhook["deliveries"]
        assert time.monotonic() < deadline, webhook["deliveries"]
        time.sleep(0.05)


class TestRunEvents:
    def test_job_success_is_signed(self, server: ServerProcess, hook: MakeHook, tmp_path: Path):
        """A succeeded job run reaches the subscriber, signed; a webhook on other events and
        a disabled one get nothing."""
        with Receiver() as receiver, Receiver() as other:
            hook(receiver.url, ["job.succeeded"], secret="s3cret")
            hook(other.url, ["job.failed", "pipeline.succeeded"])
            disabled = hook(other.url, ["*"])
            server.request("PATCH", f"/webhooks/{disabled['id']}", {"enabled": False})
            run = run_and_wait(server, make_job(server, tmp_path, command="echo hi")["id"])
            got = receiver.wait(1)[0]
            time.sleep(0.3)
        body = got.json
        assert got.signed_with("s3cret") and not got.signed_with("other")
        assert got.headers["x-orchestrator-event"] == body["event"] == "job.succeeded"
        assert got.headers["x-orchestrator-delivery"] == body["id"]
        assert got.headers["content-type"] == "application/json"
        assert got.headers["user-agent"] == "orchestrator/0.3.0a0"
        assert body["run"]["id"] == run["id"] and body["run"]["state"] == "succeeded"
        assert "env" not in body["run"] and body["time"].endswith("+00:00")
        assert other.received == []

    def test_job_failures(self, server: ServerProcess, hook: MakeHook, tmp_path: Path):
        """A non-zero exit and a timeout are both announced as job.failed."""
        with Receiver() as receiver:
            hook(receiver.url, ["job.failed"], secret="k")
            failed = run_and_wait(server, make_job(server, tmp_path, command="exit 3")["id"])
            slow = make_job(server, tmp_path, command="sleep 5", timeout=0.3)
            timed_out = run_and_wait(server, slow["id"])
            got = receiver.wait(2)
        runs = {r.json["run"]["id"]: r.json["run"] for r in got}
        assert runs[failed["id"]]["exit_code"] == 3
        assert runs[timed_out["id"]]["state"] == "timed_out"
        assert all(r.signed_with("k") and r.json["event"] == "job.failed" for r in got)

    def test_pipeline_success(self, server: ServerProcess, hook: MakeHook, tmp_path: Path):
        """A succeeded pipeline run is announced once, with its steps."""
        with Receiver() as receiver:
            hook(receiver.url, ["pipeline.succeeded"], secret="k")
            job = make_job(server, tmp_path)
            pipeline = make_pipeline(server, [{"id": "one", "job": job["id"]}])
            run = run_pipeline(server, pipeline["id"])
            got = receiver.wait(1)[0]
            time.sleep(0.3)
        assert len(receiver.received) == 1 and got.signed_with("k")
        assert got.json["event"] == "pipeline.succeeded"
        assert got.json["run"]["id"] == run["id"] and got.json["run"]["kind"] == "pipeline"
        assert [s["id"] for s in got.json["run"]["steps"]] == ["one"]


class TestTestEvent:
    def test_reaches_a_webhook_subscribed_to_other_events(
        self, server: ServerProcess, hook: MakeHook
    ):
        """POST /webhooks/{id}/test sends a `test` delivery whose ID the answer names; without a
        secret it carries no signature."""
        with Receiver() as signed, Receiver() as plain:
            first = hook(signed.url, ["system.error"], secret="t0p")
            second = hook(plain.url, ["system.error"])
            status, answer = server.request("POST", f"/webhooks/{first['name']}/test")
            assert status == 202
            assert server.request("POST", f"/webhooks/{second['id']}/test")[0] == 202
            got, bare = signed.wait(1)[0], plain.wait(1)[0]
        assert got.json["event"] == "test" and got.signed_with("t0p")
        assert got.json["id"] == answer["delivery_id"] == got.headers["x-orchestrator-delivery"]
        assert got.json["webhook"] == {"id": first["id"], "name": first["name"]}
        assert "x-orchestrator-signature" not in bare.headers


class TestRetries:
    def test_two_errors_then_success_make_three_attempts(
        self, server: ServerProcess, hook: MakeHook
    ):
        """500, 500, 200: three attempts with growing waits, shown on the webhook as delivered."""
        with Receiver(statuses=(500, 500)) as receiver:
            webhook = hook(receiver.url, ["*"], secret="k")
            delivery_id = server.request("POST", f"/webhooks/{webhook['id']}/test")[1]
            got = receiver.wait(3)
            record = _deliveries(server, webhook["id"], 1)[0]
            time.sleep(0.5)
        assert len(receiver.received) == 3
        assert {r.json["id"] for r in got} == {delivery_id["delivery_id"]}
        assert got[1].at - got[0].at >= 0.09 and got[2].at - got[1].at >= 0.18
        assert record["id"] == delivery_id["delivery_id"] and record["state"] == "delivered"
        assert [a["status"] for a in record["attempts"]] == [500, 500, 200]
        assert record["attempts"][0]["error"] and record["attempts"][2]["error"] is None
        assert record["delivered_at"] == record["attempts"][2]["at"]

    def test_gives_up_after_max_attempts(self, server: ServerProcess, hook: MakeHook):
        """A receiver that keeps failing gets `webhooks.max_attempts` tries; the record failed."""
        with Receiver(statuses=(503,) * 10) as receiver:
            webhook = hook(receiver.url, ["*"])
            server.request("POST", f"/webhooks/{webhook['id']}/test")
            record = _deliveries(server, webhook["id"], 1)[0]
            time.sleep(0.5)
        assert len(receiver.received) == 3
        assert record["state"] == "failed" and record["delivered_at"] is None
        assert [a["status"] for a in record["attempts"]] == [503, 503, 503]


class TestReceiversNeverDelayRuns:
    def test_dead_and_hanging_receivers(
        self, server: ServerProcess, hook: MakeHook, tmp_path: Path
    ):
        """With a closed port and a receiver that hangs, `wait=true` runs still answer at once,
        and the dead receiver's deliveries end failed."""
        with Receiver(delay=5) as hanging:
            dead = hook(f"http://127.0.0.1:{free_port()}/hook", ["job.succeeded"])
            hook(hanging.url, ["job.succeeded"])
            job = make_job(server, tmp_path)
            started = time.monotonic()
            for _ in range(5):
                assert run_and_wait(server, job["id"])["state"] == "succeeded"
            elapsed = time.monotonic() - started
            records = _deliveries(server, dead["id"], 5)
        assert elapsed < 2.5, elapsed
        assert {r["state"] for r in records} == {"failed"}
        assert all(a["status"] is None for r in records for a in r["attempts"])


class TestSystemError:
    def test_runs_cut_by_a_crash_are_announced_at_start(self, tmp_path: Path):
        """After a kill -9 during a run, the next start sends system.error naming the run."""
        first = ServerProcess(tmp_path / "data", *_settings()).start()
        with Receiver() as receiver:
            try:
                body = {"name": "h", "url": receiver.url, "events": ["system.error"]}
                assert first.request("POST", "/webhooks", body)[0] == 201
                run = start_run(first, make_job(first, tmp_path, command="sleep 30")["id"])
                wait_for(first, run["id"], {"running"})
            finally:
                first.kill()
            second = ServerProcess(tmp_path / "data", *_settings()).start()
            try:
                got = receiver.wait(1)[0]
            finally:
                second.stop()
        assert got.json["event"] == "system.error"
        assert got.json["error"]["details"] == {"runs": [run["id"]]}
        assert "interrupted" in got.json["error"]["message"]
