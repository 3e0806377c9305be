"""`GET /metrics`, `/metrics/history` and `/metrics/prometheus` on a real server."""

from __future__ import annotations

import time
import urllib.request
import uuid
from pathlib import Path

from orchestrator import __version__
from tests.api_helpers import make_job, q, run_and_wait
from tests.metrics_helpers import families, value
from tests.support import ServerProcess


def reader_key(server: ServerProcess) -> str:
    """An API key of a new user with the reader role."""
    username = f"reader-{uuid.uuid4().hex[:10]}"
    body = {"username": username, "password": "pw-" + uuid.uuid4().hex, "role": "reader"}
    status, user = server.request("POST", "/users", body)
    assert status == 201, user
    status, key = server.request("POST", "/keys", {"name": "metrics", "user": username})
    assert status == 201, key
    return key["secret"]


class TestMetrics:
    def test_the_document_has_every_part_with_sane_values(self, server: ServerProcess):
        """System, process, definitions, runs and the version are there and plausible."""
        status, doc = server.request("GET", "/metrics")
        assert status == 200, doc
        system, process, runs = doc["system"], doc["process"], doc["runs"]
        assert 0 <= system["cpu_percent"] <= 100
        assert 0 < system["memory"]["available"] <= system["memory"]["total"]
        assert 0 <= system["disk"]["percent"] <= 100 and system["disk"]["free"] > 0
        assert set(system["io"]) >= {"disk_read_bytes", "net_recv_bytes"}
        assert "process" not in system
        assert process["rss"] > 1_000_000 and process["threads"] >= 2
        assert process["open_files"] >= 1
        assert runs["running"] >= 0 and runs["queued"] >= 0 and runs["total"] >= 0
        assert set(runs) >= {"active", "by_state_24h", "finished_24h", "duration_24h"}
        assert set(doc["schedules"]) == {"total", "enabled", "paused"}
        assert doc["jobs"]["total"] >= 0 and "by_state" in doc["pipelines"]
        assert doc["version"] == __version__

    def test_a_finished_run_is_counted(self, server: ServerProcess, tmp_path: Path):
        """After a job succeeds, it counts under `succeeded` and its run has a duration."""
        before = server.request("GET", "/metrics")[1]
        job = make_job(server, tmp_path)
        run = run_and_wait(server, job["id"])
        assert run["state"] == "succeeded"
        doc = server.request("GET", "/metrics")[1]
        assert doc["jobs"]["total"] == before["jobs"]["total"] + 1
        assert doc["jobs"]["by_state"]["succeeded"] >= 1
        runs = doc["runs"]
        assert (
            runs["by_state_24h"]["succeeded"]
            == before["runs"]["by_state_24h"].get("succeeded", 0) + 1
        )
        assert runs["finished_24h"] >= 1 and runs["duration_24h"]["max"] >= run["duration"]
        assert runs["duration_24h"]["p50"] is not None

    def test_a_reader_can_read_metrics(self, server: ServerProcess):
        """Metrics are for supervision: every route answers a reader."""
        key = reader_key(server)
        for path in ("/metrics", "/metrics/history", "/metrics/prometheus"):
            status, answer = server.request("GET", path, key=key)
            assert status == 200, (path, answer)

    def test_metrics_need_authentication(self, server: ServerProcess):
        """Without a key the server answers 401."""
        assert server.request("GET", "/metrics", key=None)[0] == 401


class TestHistory:
    def test_history_grows_and_filters_by_time(self, server: ServerProcess):
        """Samples come every `period` seconds, oldest first; `since` keeps the newer ones."""
        status, first = server.request("GET", "/metrics/history")
        assert status == 200, first
        assert first["period"] > 0 and len(first["items"]) >= 1
        deadline = time.monotonic() + first["period"] * 2 + 5
        while True:
            later = server.request("GET", "/metrics/history")[1]
            if len(later["items"]) > len(first["items"]):
                break
            assert time.monotonic() < deadline, "no new sample came"
            time.sleep(0.2)
        times = [item["time"] for item in later["items"]]
        assert times == sorted(times) and "memory" in later["items"][-1]
        newest = later["items"][-1]["time"]
        status, newer = server.request("GET", f"/metrics/history?since={q(times[0])}")
        assert status == 200 and newer["items"][-1]["time"] >= newest
        assert all(item["time"] > times[0] for item in newer["items"])

    def test_a_bad_since_is_refused(self, server: ServerProcess):
        """`since` must be a time."""
        status, answer = server.request("GET", "/metrics/history?since=yesterday")
        assert status == 400 and answer["error"]["code"] == "validation_error"


class TestPrometheus:
    def test_the_text_parses_and_matches_the_document(self, server: ServerProcess):
        """The exposition is format 0.0.4 and carries the version, states and system figures."""
        request = urllib.request.Request(
            server.url + "/metrics/prometheus",
            headers={"Authorization": f"Bearer {server.api_key}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            content_type = response.headers["Content-Type"]
            text = response.read().decode()
        assert content_type.startswith("text/plain") and "version=0.0.4" in content_type
        found = families(text)
        assert value(found["orchestrator_info"], version=__version__) == 1
        assert value(found["orchestrator_runs_24h"], state="failed") >= 0
        assert value(found["orchestrator_memory_available_bytes"]) > 0
        assert value(found["orchestrator_process_rss_bytes"]) > 1_000_000
        assert {"orchestrator_runs_running", "orchestrator_runs_queued"} <= set(found)
