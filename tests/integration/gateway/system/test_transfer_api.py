"""Integration tests of configuration export and import and of retention over HTTP, against a
real server: JSON and YAML, an exact copy into a fresh server, bad documents, and roles."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import yaml

from tests.api_helpers import assert_error, make_job, unique
from tests.security_helpers import add_account
from tests.support import ServerProcess


def fill(server: ServerProcess, workdir: Path) -> dict[str, dict]:
    """A job with a secret, a pipeline, a schedule and a webhook, all under unique names."""
    job = make_job(server, workdir, secret_env={"TOKEN": "api-s3cret"})
    body = {"name": unique("flow"), "steps": [{"id": "one", "job": job["id"]}]}
    status, flow = server.request("POST", "/pipelines", body)
    assert status == 201, flow
    body = {"name": unique("nightly"), "cron": "0 3 * * *", "targets": [flow["id"]]}
    status, schedule = server.request("POST", "/schedules", body)
    assert status == 201, schedule
    body = {"name": unique("hook"), "url": "https://example.org/h", "events": ["*"], "secret": "x"}
    status, hook = server.request("POST", "/webhooks", body)
    assert status == 201, hook
    return {"job": job, "flow": flow, "schedule": schedule, "hook": hook}


def exported(server: ServerProcess, query: str = "include_secrets=true") -> dict[str, Any]:
    status, doc = server.request("GET", f"/config/export?{query}")
    assert status == 200, doc
    return doc


def same(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k != "exported_at"}


def send_text(server: ServerProcess, path: str, text: str, ctype: str) -> tuple[int, Any]:
    return server.request("POST", path, raw=text.encode(), headers={"Content-Type": ctype})


class TestExport:
    def test_json_by_default_with_secrets_masked(self, server: ServerProcess, tmp_path) -> None:
        """A plain export is JSON with every kind, IDs included and secrets as `***`."""
        made = fill(server, tmp_path)
        doc = exported(server, "")
        assert doc["format"] == "orchestrator-config" and doc["version"] == 1
        [job] = [j for j in doc["jobs"] if j["id"] == made["job"]["id"]]
        assert job["secret_env"] == {"TOKEN": "***"}
        assert "api-s3cret" not in json.dumps(doc)
        assert made["schedule"]["id"] in [s["id"] for s in doc["schedules"]]
        assert made["hook"]["id"] in [w["id"] for w in doc["webhooks"]]

    def test_yaml_as_a_download(self, server: ServerProcess, tmp_path) -> None:
        """`format=yaml` answers application/yaml as an attachment with the same content."""
        fill(server, tmp_path)
        request = urllib.request.Request(
            f"{server.url}/config/export?format=yaml",
            headers={"Authorization": f"Bearer {server.api_key}"},
        )
        with urllib.request.urlopen(request, timeout=10) as resp:
            ctype = resp.headers.get_content_type()
            disposition = resp.headers.get("Content-Disposition", "")
            doc = yaml.safe_load(resp.read())
        assert ctype == "application/yaml"
        assert disposition.startswith("attachment;") and ".yaml" in disposition
        assert same(doc) == same(exported(server, ""))

    def test_secrets_need_an_admin(self, server: ServerProcess) -> None:
        """A writer may export without secrets, not with them; readers may not import."""
        writer, reader = add_account(server, "writer"), add_account(server, "reader")
        query = "/config/export?include_secrets=true"
        assert_error(server.request("GET", query, key=writer.key), 403, "forbidden")
        assert server.request("GET", "/config/export", key=reader.key)[0] == 200
        answer = server.request("POST", "/config/import", {"jobs": []}, key=writer.key)
        assert_error(answer, 403, "forbidden")


class TestImport:
    def test_a_fresh_server_reproduces_the_definitions(
        self, server: ServerProcess, fresh_server: ServerProcess, tmp_path: Path
    ) -> None:
        """An export imported into an empty server exports the same document again."""
        made = fill(server, tmp_path)
        doc = exported(server)
        status, answer = server_import(fresh_server, doc)
        assert status == 200, answer
        assert made["job"]["id"] in [item["id"] for item in answer["created"]["jobs"]]
        assert same(exported(fresh_server)) == same(doc)
        status, job = fresh_server.request("GET", f"/jobs/{made['job']['name']}")
        assert status == 200 and job["id"] == made["job"]["id"]

    def test_yaml_body_and_dry_run(self, server: ServerProcess, tmp_path: Path) -> None:
        """A YAML body is read; a dry run reports the change and makes none."""
        made = fill(server, tmp_path)
        doc = exported(server)
        [job] = [j for j in doc["jobs"] if j["id"] == made["job"]["id"]]
        job["command"] = "echo changed"
        text = yaml.safe_dump({"jobs": [job]})
        status, answer = send_text(server, "/config/import?dry_run=true", text, "application/yaml")
        assert status == 200, answer
        assert answer["dry_run"] is True
        assert answer["updated"]["jobs"] == [{"id": job["id"], "name": job["name"]}]
        assert server.request("GET", f"/jobs/{job['id']}")[1]["command"] == "true"
        status, answer = send_text(server, "/config/import", text, "text/yaml")
        assert status == 200 and answer["updated"]["jobs"][0]["id"] == job["id"]
        assert server.request("GET", f"/jobs/{job['id']}")[1]["command"] == "echo changed"

    def test_a_bad_document_changes_nothing(self, server: ServerProcess, tmp_path: Path) -> None:
        """Every problem is named with its path in a 400, and nothing changes."""
        fill(server, tmp_path)
        before = exported(server)
        doc = json.loads(json.dumps(before))
        doc["jobs"][0]["workdir"] = "not/absolute"
        doc["pipelines"][0]["steps"][0]["job"] = "no-such-job"
        doc["jobs"].append({"name": unique(), "command": "x", "workdir": str(tmp_path)})
        details = assert_error(server_import(server, doc, "replace"), 400, "validation_error")
        paths = [error["path"] for error in details["errors"]]
        assert paths == ["jobs[0].workdir", "pipelines[0].steps[0].job"]
        assert same(exported(server)) == same(before)

    def test_unreadable_bodies_are_invalid_json(self, server: ServerProcess) -> None:
        """Broken JSON or YAML is a 400 invalid_json that says what is wrong."""
        answer = send_text(server, "/config/import", "{not json", "application/json")
        assert_error(answer, 400, "invalid_json")
        assert "JSON" in answer[1]["error"]["message"]
        answer = send_text(server, "/config/import", "jobs: [unclosed", "application/yaml")
        assert_error(answer, 400, "invalid_json")
        assert "YAML" in answer[1]["error"]["message"] and "line" in answer[1]["error"]["message"]
        answer = server.request("POST", "/config/import?mode=sideways", {"jobs": []})
        assert_error(answer, 400, "validation_error")


class TestPurge:
    def test_admins_purge_now(self, server: ServerProcess) -> None:
        """`POST /system/purge` answers the counts; a writer is refused."""
        status, counts = server.request("POST", "/system/purge")
        assert status == 200, counts
        assert set(counts) == {"runs", "audit", "logs", "dry_run"} and counts["dry_run"] is False
        assert all(isinstance(counts[k], int) and counts[k] >= 0 for k in ("runs", "audit", "logs"))
        writer = add_account(server, "writer")
        assert_error(server.request("POST", "/system/purge", key=writer.key), 403, "forbidden")


def server_import(server: ServerProcess, doc: dict, mode: str = "merge") -> tuple[int, Any]:
    return server.request("POST", f"/config/import?mode={mode}", doc)
