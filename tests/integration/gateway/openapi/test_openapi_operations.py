"""The documentation of metrics, configuration export and import, retention and queued runs
against the real server: its answers have exactly the documented fields and media types, and
the rules the document states hold."""

from __future__ import annotations

import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml

from orchestrator import __version__
from orchestrator.gateway.openapi import build_document
from tests.api_helpers import make_job, start_run, unique, wait_for
from tests.openapi_helpers import resolve, schema_errors
from tests.security_helpers import add_account, wait_until
from tests.support import ServerProcess


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build_document(__version__)


def fetch(server: ServerProcess, path: str) -> tuple[int, Any, str]:
    """GET with the admin key; (status, headers, text), for answers that are not JSON."""
    headers = {"Authorization": f"Bearer {server.api_key}"}
    request = urllib.request.Request(server.url + path, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as resp:
        return resp.status, resp.headers, resp.read().decode()


def fields_of(document: dict[str, Any], name: str, part: str) -> set[str]:
    schema = resolve(document, {"$ref": f"#/components/schemas/{name}"})
    return set(resolve(document, schema["properties"][part])["properties"])


def media_types(document: dict[str, Any], path: str, method: str, status: str) -> set[str]:
    return set(document["paths"][path][method]["responses"][status]["content"])


class TestMetrics:
    def test_answers_have_the_documented_fields(
        self, server: ServerProcess, document: dict[str, Any]
    ) -> None:
        """`GET /metrics` and its history answer their schemas exactly, nested parts too."""
        status, metrics = server.request("GET", "/metrics")
        assert status == 200 and schema_errors(document, "Metrics", metrics) == []
        for part in ("system", "runs", "schedules"):
            assert set(metrics[part]) == fields_of(document, "Metrics", part), part
        assert set(metrics["process"]) == fields_of(document, "MetricsSample", "process")
        history = server.request("GET", "/metrics/history")[1]
        assert schema_errors(document, "MetricsHistory", history) == []
        assert history["period"] == 5.0 and history["items"]
        assert schema_errors(document, "MetricsSample", history["items"][-1]) == []

    def test_since_keeps_only_newer_samples(self, server: ServerProcess) -> None:
        """`since` is exclusive, as documented; a time that is not ISO 8601 is a 400."""
        history = server.request("GET", "/metrics/history")[1]
        newest = history["items"][-1]["time"].replace("+", "%2B")
        later = server.request("GET", f"/metrics/history?since={newest}")[1]
        assert all(item["time"] > history["items"][-1]["time"] for item in later["items"])
        assert server.request("GET", "/metrics/history?since=yesterday")[0] == 400

    def test_prometheus_text_has_the_documented_type(
        self, server: ServerProcess, document: dict[str, Any]
    ) -> None:
        """The exposition text comes with the media type the document names."""
        status, headers, text = fetch(server, "/metrics/prometheus")
        documented = media_types(document, "/metrics/prometheus", "get", "200")
        assert status == 200 and documented == {headers["Content-Type"]}
        assert f'orchestrator_info{{version="{__version__}"}} 1' in text


class TestConfigTransfer:
    def test_export_answers_the_documented_document(
        self, server: ServerProcess, document: dict[str, Any], tmp_path: Path
    ) -> None:
        """JSON and YAML exports are the same `ConfigDocument`; YAML comes as a download."""
        make_job(server, tmp_path, secret_env={"TOKEN": "t0p"})
        status, exported = server.request("GET", "/config/export")
        assert status == 200 and schema_errors(document, "ConfigDocument", exported) == []
        assert all(set(job["secret_env"].values()) <= {"***"} for job in exported["jobs"])
        status, headers, text = fetch(server, "/config/export?format=yaml")
        assert headers.get_content_type() == "application/yaml"
        assert media_types(document, "/config/export", "get", "200") == {
            "application/json",
            "application/yaml",
        }
        assert headers["Content-Disposition"].startswith(
            'attachment; filename="orchestrator-config-'
        )
        assert yaml.safe_load(text)["jobs"] == exported["jobs"]

    def test_include_secrets_is_for_admins(self, server: ServerProcess) -> None:
        """A reader exports without secrets, and gets the documented 403 when asking for them."""
        reader = add_account(server, "reader")
        assert server.request("GET", "/config/export", key=reader.key)[0] == 200
        status, error = server.request("GET", "/config/export?include_secrets=true", key=reader.key)
        assert (status, error["error"]["code"]) == (403, "forbidden")

    def test_import_answers_and_errors_are_documented(
        self, server: ServerProcess, document: dict[str, Any]
    ) -> None:
        """A YAML dry run answers `ImportResult`, changing nothing; a bad document is a 400
        naming every problem in `details.errors`."""
        name = unique("imported")
        text = f"jobs:\n- name: {name}\n  command: 'true'\n  workdir: /tmp\n"
        text += f"pipelines:\n- name: {name}\n  steps: [{{id: a, job: {name}}}]\n"
        status, answer = server.request(
            "POST",
            "/config/import?dry_run=true",
            raw=text.encode(),
            headers={"Content-Type": "application/yaml"},
        )
        assert status == 200 and schema_errors(document, "ImportResult", answer) == []
        assert answer["dry_run"] is True and len(answer["created"]["pipelines"]) == 1
        assert server.request("GET", f"/jobs/{name}")[0] == 404
        bad = {"jobs": [{"name": name, "command": "x", "workdir": "tmp"}], "colour": "red"}
        status, error = server.request("POST", "/config/import", bad)
        assert status == 400 and error["error"]["code"] == "validation_error"
        assert error["error"]["details"]["errors"] == [
            {"path": "colour", "message": "unknown field"},
            {"path": "jobs[0].workdir", "message": "must be an absolute path"},
        ]

    def test_replace_needs_every_section(self, server: ServerProcess) -> None:
        """With `mode=replace` a missing section is an error, never a deletion."""
        status, error = server.request("POST", "/config/import?mode=replace", {"jobs": []})
        assert status == 400
        paths = {p["path"] for p in error["error"]["details"]["errors"]}
        assert paths == {"pipelines", "schedules", "webhooks"}


class TestOperations:
    def test_purge_answers_the_documented_counts(
        self, server: ServerProcess, document: dict[str, Any]
    ) -> None:
        """`POST /system/purge` answers `PurgeResult` exactly."""
        status, counts = server.request("POST", "/system/purge")
        assert status == 200 and schema_errors(document, "PurgeResult", counts) == []

    def test_a_queued_run_says_why_it_waits(
        self, server: ServerProcess, document: dict[str, Any], tmp_path: Path
    ) -> None:
        """A run held by its job's `max_concurrent` says so in `waiting`, which clears once
        it starts; runs have the documented fields."""
        job = make_job(server, tmp_path, command="sleep 1")
        first = start_run(server, job["id"])
        second = start_run(server, job["id"])
        assert second["waiting"] is None  # the queue has not looked at it yet
        held = wait_until(lambda: server.request("GET", f"/runs/{second['id']}")[1]["waiting"])
        assert "max_concurrent" in held
        done = wait_for(server, second["id"])
        assert done["waiting"] is None and wait_for(server, first["id"])["state"] == "succeeded"
        run_fields = resolve(document, {"$ref": "#/components/schemas/Run"})["properties"]
        assert set(run_fields) - set(done) == {"steps"} and set(done) <= set(run_fields)
