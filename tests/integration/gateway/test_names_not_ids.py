"""A name may not have the shape of an ID: IDs are tried first wherever either is accepted (the
shapes themselves: tests/unit/orchestrator/test_ids.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.api_helpers import make_job
from tests.support import ServerProcess


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
