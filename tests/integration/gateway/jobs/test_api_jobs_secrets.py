"""Integration tests of `secret_env` through the API: masked as `***` in every answer, never
shown, and kept when a client sends the mask back."""

from __future__ import annotations

import json
from pathlib import Path

from tests.api_helpers import make_job, run_and_wait, unique
from tests.support import ServerProcess


class TestSecretEnv:
    def test_masked_in_every_answer(self, server: ServerProcess, tmp_path: Path) -> None:
        """The secret value never appears: create, get, list, patch, put and copy show `***`."""
        secret = "s3cret-" + unique()
        tag = unique("tag")
        job = make_job(server, tmp_path, secret_env={"TOKEN": secret}, tags=[tag])
        answers = [job, server.request("GET", f"/jobs/{job['id']}")[1]]
        answers.append(server.request("GET", f"/jobs?tag={tag}")[1])
        answers.append(server.request("PATCH", f"/jobs/{job['id']}", {"description": "d"})[1])
        body = {"name": job["name"], "command": "true", "workdir": str(tmp_path), "tags": [tag],
                "secret_env": {"TOKEN": "***"}}  # fmt: skip
        answers.append(server.request("PUT", f"/jobs/{job['id']}", body)[1])
        answers.append(server.request("POST", f"/jobs/{job['id']}/copy")[1])
        for answer in answers:
            assert secret not in json.dumps(answer)
            jobs = answer.get("items", [answer])
            assert [item["secret_env"] for item in jobs] == [{"TOKEN": "***"}] * len(jobs)

    def test_mask_sent_back_keeps_the_secret(self, server: ServerProcess, tmp_path: Path) -> None:
        """Sending `***` back with PATCH and with PUT keeps the stored value for the process."""
        job = make_job(server, tmp_path, command='printf %s "$TOKEN"', secret_env={"TOKEN": "v1"})
        patched = server.request("PATCH", f"/jobs/{job['id']}", {"secret_env": {"TOKEN": "***"}})
        assert patched[0] == 200
        run = run_and_wait(server, job["id"])
        assert server.request("GET", f"/runs/{run['id']}/output")[1]["stdout"] == "v1"
        body = {k: job[k] for k in ("name", "command", "workdir")}
        body["secret_env"] = {"TOKEN": "***", "OTHER": "new"}
        status, replaced = server.request("PUT", f"/jobs/{job['id']}", body)
        assert status == 200 and replaced["secret_env"] == {"TOKEN": "***", "OTHER": "***"}
        run = run_and_wait(server, job["id"])
        assert server.request("GET", f"/runs/{run['id']}/output")[1]["stdout"] == "v1"

    def test_new_secret_replaces_the_old(self, server: ServerProcess, tmp_path: Path) -> None:
        """A real value (not the mask) replaces the stored secret."""
        job = make_job(server, tmp_path, command='printf %s "$TOKEN"', secret_env={"TOKEN": "v1"})
        server.request("PATCH", f"/jobs/{job['id']}", {"secret_env": {"TOKEN": "v2"}})
        run = run_and_wait(server, job["id"])
        assert server.request("GET", f"/runs/{run['id']}/output")[1]["stdout"] == "v2"
