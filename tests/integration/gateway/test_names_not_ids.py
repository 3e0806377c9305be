"""A name may not have the shape of an ID: IDs are tried first wherever either is accepted."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestrator import ids
from tests.api_helpers import make_job
from tests.support import ServerProcess


class TestShape:
    @pytest.mark.parametrize(
        "text", ["J1234ABCD", "jenkins01", "P0000AAAA", "CJ7K2M9QXA", "R123456789ABC", "W9W1X3Y5Z"]
    )
    def test_id_shapes_are_recognised(self, text: str) -> None:
        """Any case and Crockford's confusable letters count, contexts and runs included."""
        assert ids.looks_like_id(text)

    @pytest.mark.parametrize("text", ["nightly", "J1234ABC", "report-J1234ABCD", "SCHEDULER"])
    def test_other_names_are_free(self, text: str) -> None:
        assert ids.looks_like_id(text) is None


class TestRefused:
    def test_a_job_named_like_another_jobs_id(self, server: ServerProcess, tmp_path: Path):
        """POST /jobs with another job's ID as its name is a 400 on `name`, and that ID still
        reaches the first job."""
        first = make_job(server, tmp_path)
        body = {"name": first["id"], "command": "true", "workdir": str(tmp_path)}
        status, error = server.request("POST", "/jobs", body)
        assert status == 400 and "shape of an ID" in error["error"]["details"]["fields"]["name"]
        assert server.request("GET", f"/jobs/{first['id']}")[1]["name"] == first["name"]

    @pytest.mark.parametrize(
        ("route", "body"),
        [
            ("/pipelines", {"steps": [{"id": "a", "job": "JOBREF"}]}),
            ("/schedules", {"cron": "0 0 1 1 *", "targets": []}),
            ("/webhooks", {"url": "http://127.0.0.1:9/hook", "events": ["*"]}),
        ],
    )
    def test_every_kind_refuses_id_shaped_names(
        self, server: ServerProcess, tmp_path: Path, route: str, body: dict
    ) -> None:
        """Pipelines, schedules and webhooks refuse a `CJ…`-shaped or `J…`-shaped name too."""
        job = make_job(server, tmp_path)
        body = {**body, "name": "cj" + job["id"][1:].lower()}
        if route == "/pipelines":
            body["steps"] = [{"id": "a", "job": job["id"]}]
        status, error = server.request("POST", route, body)
        assert status == 400, error
        assert "name" in error["error"]["details"]["fields"]

    def test_renaming_and_usernames(self, server: ServerProcess, tmp_path: Path) -> None:
        """PATCH to an ID-shaped name and a user named like a user ID are refused as well."""
        job = make_job(server, tmp_path)
        status, _ = server.request("PATCH", f"/jobs/{job['id']}", {"name": "P1234ABCD"})
        assert status == 400
        user = {"username": "U1234ABCD", "password": "long-enough-pass", "role": "reader"}
        status, error = server.request("POST", "/users", user)
        assert status == 400 and "username" in error["error"]["details"]["fields"]
