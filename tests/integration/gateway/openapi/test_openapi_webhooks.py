"""The documentation of webhooks against a real server and a real receiver: the webhook and its
deliveries have exactly the documented fields, what a receiver gets is what the event schemas
and headers say, and the retry rules and defaults the document states hold."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from orchestrator import __version__
from orchestrator.config_schema import WebhooksConfig
from orchestrator.gateway.openapi import build_document
from orchestrator.gateway.openapi.webhook_events import DELIVERY_TEXT
from tests.api_helpers import make_job, run_and_wait, unique
from tests.openapi_helpers import resolve, schema_errors
from tests.support import ServerProcess
from tests.webhook_receiver import Receiver

QUICK = ("webhooks.retry_base=0.05", "webhooks.max_attempts=4", "webhooks.timeout=1")


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build_document(__version__)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A server whose retries come quickly, so that backoff fits in a test."""
    settings = [arg for pair in QUICK for arg in ("--set", pair)]
    proc = ServerProcess(tmp_path_factory.mktemp("hooks") / "data", *settings).start()
    yield proc
    proc.stop()


def create(server: ServerProcess, url: str, **fields: Any) -> dict[str, Any]:
    """A webhook for `system.error` unless told otherwise, so that runs of other tests do not
    reach it once its receiver is closed (`test` deliveries go to any webhook)."""
    body = {"name": unique("hook"), "url": url, "events": ["system.error"], **fields}
    status, webhook = server.request("POST", "/webhooks", body)
    assert status == 201, webhook
    return webhook


def settled(server: ServerProcess, webhook_id: str, delivery_id: str) -> list[dict[str, Any]]:
    """The webhook's deliveries once the one named is no longer pending."""
    deadline = time.monotonic() + 10
    while True:
        deliveries = server.request("GET", f"/webhooks/{webhook_id}")[1]["deliveries"]
        if any(d["id"] == delivery_id and d["state"] != "pending" for d in deliveries):
            return deliveries
        assert time.monotonic() < deadline, deliveries
        time.sleep(0.05)


class TestWebhookAnswers:
    def test_answers_have_the_documented_fields(
        self, server: ServerProcess, document: dict[str, Any]
    ) -> None:
        """Create, patch, replace, copy, list and test answer the documented schemas exactly."""
        webhook = create(server, "http://127.0.0.1:9/hook", secret="s")
        path = f"/webhooks/{webhook['id']}"
        full = {"name": webhook["name"], "url": webhook["url"], "events": ["system.error"]}
        answers = [
            ("Webhook", webhook),
            ("Webhook", server.request("PATCH", path, {"enabled": False})[1]),
            ("Webhook", server.request("PUT", path, {**full, "secret": "***"})[1]),
            ("Webhook", server.request("POST", f"{path}/copy")[1]),
            ("WebhookList", server.request("GET", "/webhooks")[1]),
        ]
        for name, value in answers:
            assert schema_errors(document, name, value) == [], (name, value)
        assert answers[2][1]["secret"] == "***" and answers[2][1]["enabled"] is True
        replaced = server.request("PUT", path, full)[1]
        assert replaced["secret"] == "", "a PUT without `secret` removes it, as documented"

    def test_deliveries_are_recorded_as_documented(
        self, server: ServerProcess, document: dict[str, Any]
    ) -> None:
        """A test delivery answers 202 `TestDelivery`; its record and attempts are exact, and
        only the latest 50 are kept, the most recent first."""
        with Receiver() as receiver:
            webhook = create(server, receiver.url)
            started = []
            for _ in range(51):
                started.append(server.request("POST", f"/webhooks/{webhook['id']}/test"))
                deliveries = settled(server, webhook["id"], started[-1][1]["delivery_id"])
        assert {status for status, _ in started} == {202}
        assert schema_errors(document, "TestDelivery", started[0][1]) == []
        ids = [answer["delivery_id"] for _, answer in reversed(started)]
        assert [d["id"] for d in deliveries] == ids[:50]
        webhook_schema = resolve(document, {"$ref": "#/components/schemas/Webhook"})
        assert webhook_schema["properties"]["deliveries"]["maxItems"] == 50
        assert schema_errors(document, "Delivery", deliveries[0]) == []
        assert schema_errors(document, "DeliveryAttempt", deliveries[0]["attempts"][0]) == []
        assert deliveries[0]["delivered_at"] == deliveries[0]["attempts"][-1]["at"]


class TestWhatReceiversGet:
    def test_bodies_and_headers_are_the_documented_ones(
        self, server: ServerProcess, document: dict[str, Any], tmp_path: Path
    ) -> None:
        """A test and a job's end arrive with the documented fields and headers, signed."""
        with Receiver() as receiver:
            webhook = create(server, receiver.url, secret="k3y", events=["job.failed"])
            server.request("POST", f"/webhooks/{webhook['id']}/test")
            receiver.wait(1)
            job = make_job(server, tmp_path, command="exit 3")
            run = run_and_wait(server, job["id"])
            got = receiver.wait(2)
            server.request("DELETE", f"/webhooks/{webhook['id']}")
        test, ended = got
        assert schema_errors(document, "WebhookTestEvent", test.json) == []
        assert schema_errors(document, "WebhookRunEvent", ended.json) == []
        assert ended.json["event"] == "job.failed" and ended.json["run"]["id"] == run["id"]
        run_fields = resolve(document, {"$ref": "#/components/schemas/Run"})["properties"]
        assert set(run_fields) - set(ended.json["run"]) == {"steps"}
        for name, operation in _deliveries(document):
            for header in operation["parameters"]:
                assert header["name"].lower() in test.headers, (name, header["name"])
        assert test.signed_with("k3y") and ended.signed_with("k3y")
        assert test.headers["user-agent"] == f"orchestrator/{__version__}"
        assert test.headers["x-orchestrator-delivery"] == test.json["id"]
        assert b'": ' not in test.body and b'", "' not in test.body  # compact JSON, as signed

    def test_retries_follow_the_documented_rules(self, server: ServerProcess) -> None:
        """5xx, 429 and 408 are retried with a doubling wait and the same body; a 404 or a
        redirect fails at once (the redirect is not followed)."""
        with (
            Receiver((503, 429, 408)) as flaky,
            Receiver((404,)) as gone,
            Receiver((302,)) as moved,
        ):
            hooks = [create(server, r.url) for r in (flaky, gone, moved)]
            sent = [server.request("POST", f"/webhooks/{w['id']}/test")[1] for w in hooks]
            tries = flaky.wait(4)
            records = [
                settled(server, w["id"], s["delivery_id"])[0]
                for w, s in zip(hooks, sent, strict=True)
            ]
            assert (len(gone.received), len(moved.received)) == (1, 1)
        assert len({t.body for t in tries}) == 1
        gaps = [b.at - a.at for a, b in zip(tries, tries[1:], strict=False)]
        assert gaps[0] >= 0.05 and gaps[1] >= 0.1 and gaps[2] >= 0.2, gaps
        assert [r["state"] for r in records] == ["delivered", "failed", "failed"]
        assert [len(r["attempts"]) for r in records] == [4, 1, 1]

    def test_the_documented_defaults_are_the_configuration(self) -> None:
        """The defaults the delivery rules name are the server's own."""
        defaults = WebhooksConfig()
        assert f"`webhooks.timeout` seconds, default {defaults.timeout:g}" in _flat(DELIVERY_TEXT)
        assert f"(default {defaults.retry_base:g}, 2, 4" in _flat(DELIVERY_TEXT)
        assert f"attempts (default {defaults.max_attempts})" in _flat(DELIVERY_TEXT)

    def test_every_event_has_a_documented_delivery(self, document: dict[str, Any]) -> None:
        """The top-level `webhooks` describe each body form of `WebhookEvent`."""
        forms = document["components"]["schemas"]["WebhookEvent"]["oneOf"]
        bodies = [
            op["requestBody"]["content"]["application/json"] for _, op in _deliveries(document)
        ]
        assert sorted(b["schema"]["$ref"] for b in bodies) == sorted(f["$ref"] for f in forms)
        for media in bodies:
            name = media["schema"]["$ref"].split("/")[-1]
            for example in media["examples"].values():
                assert schema_errors(document, name, example["value"]) == []


def _deliveries(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(name, operation) of each request the document says a receiver gets."""
    return [(name, item["post"]) for name, item in document["webhooks"].items()]


def _flat(text: str) -> str:
    return " ".join(text.split())
