"""The internal counters on a real server: messages and commits grow with its runs, the same in
the Prometheus text, and `GET /metrics` fits its OpenAPI schemas."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from orchestrator import __version__
from orchestrator.gateway.openapi import build_document
from tests.api_helpers import make_job, run_and_wait
from tests.metrics_helpers import families, value
from tests.openapi_helpers import schema_errors
from tests.support import ServerProcess


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build_document(__version__)


class TestOnTheServer:
    """A real server counts the messages and commits of the runs it does."""

    def test_counters_grow_with_runs(self, server: ServerProcess, tmp_path: Path):
        runs = 3
        job = make_job(server, tmp_path)
        before = server.request("GET", "/metrics")[1]
        for _ in range(runs):
            assert run_and_wait(server, job["id"])["state"] == "succeeded"
        status, after = server.request("GET", "/metrics")
        assert status == 200
        assert after["store"]["commits"] >= before["store"]["commits"] + 1
        assert after["store"]["rows_written"] >= before["store"]["rows_written"] + runs
        # Each run is at least asked for, started and saved: three messages somewhere.
        grown = after["actors"]["messages_total"] - before["actors"]["messages_total"]
        assert grown >= 3 * runs
        kinds = after["actors"]["by_kind"]
        assert kinds["StorageActor"]["alive"] == 1 and kinds["SupervisorActor"]["alive"] == 1
        for name, entry in before["actors"]["by_kind"].items():
            assert kinds[name]["messages_total"] >= entry["messages_total"], name

    def test_prometheus_has_the_same_counters(self, server: ServerProcess):
        status, text = server.request("GET", "/metrics/prometheus")
        doc = server.request("GET", "/metrics")[1]
        assert status == 200
        found = families(text)
        storage = value(found["orchestrator_actor_messages"], kind="StorageActor")
        assert 0 < storage <= doc["actors"]["by_kind"]["StorageActor"]["messages_total"]
        assert 0 < value(found["orchestrator_store_commits"]) <= doc["store"]["commits"]

    def test_the_answer_matches_the_openapi_schemas(
        self, server: ServerProcess, document: dict[str, Any]
    ):
        doc = server.request("GET", "/metrics")[1]
        assert schema_errors(document, "Metrics", doc) == []
        schemas = document["components"]["schemas"]
        entry_fields = set(schemas["MetricsActors"]["properties"]["by_kind"]["additionalProperties"]
                           ["properties"])  # fmt: skip
        assert doc["actors"]["by_kind"]
        assert all(set(entry) == entry_fields for entry in doc["actors"]["by_kind"].values())
        assert set(doc["actors"]) == set(schemas["MetricsActors"]["properties"])
        assert set(doc["store"]) == set(schemas["MetricsStore"]["properties"])
