"""Acceptance: the audit trail. Each audited action appears once in `GET /audit` with its user,
role, target, outcome and status; the filters and paging work; `audit.log` holds the same
records, one JSON line each; only admins read the trail."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.api_helpers import assert_error, wait_for
from tests.security_helpers import add_account, audit_records, login, send, unique_name
from tests.support import ServerProcess

FIELDS = {"id", "time", "user", "role", "action", "target", "outcome", "status", "client",
          "details"}  # fmt: skip


@pytest.fixture(scope="module")
def story(server: ServerProcess, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """An admin and a reader of their own do one of each audited action. Returns the accounts
    and, for each action, the (action, target, status) the audit trail must show once."""
    admin, reader = add_account(server, "admin"), add_account(server, "reader")
    done: list[tuple[str, str | None, int]] = []

    def call(action: str, target: str | None, method: str, path: str, body: object = None) -> Any:
        status, answer = server.request(method, path, body, key=admin.key)
        done.append((action, target or (answer or {}).get("id"), status))
        return answer

    workdir = str(tmp_path_factory.mktemp("audit"))
    body = {"name": unique_name("job"), "command": "sleep 10", "workdir": workdir}
    job = call("job.create", None, "POST", "/jobs", body)
    call("job.create", None, "POST", "/jobs", {})
    call("job.update", job["id"], "PATCH", f"/jobs/{job['id']}", {"description": "d"})
    run = call("job.run", job["id"], "POST", f"/jobs/{job['id']}/run")
    call("run.cancel", run["id"], "POST", f"/runs/{run['id']}/cancel")
    wait_for(server, run["id"])
    call("job.delete", job["id"], "DELETE", f"/jobs/{job['id']}")
    for password in (admin.password, "wrong-password"):
        done.append(("auth.login", None, login(server, admin.username, password).status))
    key = call("key.create", None, "POST", "/keys", {"name": "audited"})
    call("key.revoke", key["id"], "DELETE", f"/keys/{key['id']}")
    user = {"username": unique_name("u"), "password": "pw-audited-1", "role": "reader"}
    call("user.create", None, "POST", "/users", user)
    level = server.request("GET", "/system/log-level")[1]
    call("system.log_level", None, "PUT", "/system/log-level", level)
    refused = server.request("POST", "/jobs", body, key=reader.key)[0]
    return {"admin": admin, "reader": reader, "done": done, "refused": refused, "job": job}


def matching(records: list[dict], action: str, target: str | None, status: int) -> list[dict]:
    return [r for r in records if (r["action"], r["target"], r["status"]) == (action, target,
                                                                             status)]  # fmt: skip


class TestRecords:
    def test_each_action_once(self, server: ServerProcess, story: dict) -> None:
        """Every action of the story appears exactly once, by its user, with its outcome."""
        admin = story["admin"]
        records = audit_records(server, user=admin.username)
        assert len(records) == len(story["done"])
        for action, target, status in story["done"]:
            found = matching(records, action, target, status)
            assert len(found) == 1, (action, target, status, records)
            record = found[0]
            assert set(record) == FIELDS
            assert (record["user"], record["client"]) == (admin.username, "127.0.0.1")
            assert record["outcome"] == ("success" if status < 400 else "failure")
            if action != "auth.login":
                assert record["role"] == "admin", record

    def test_statuses_are_the_answers(self, story: dict) -> None:
        """The story got the answers it expected, so the trail is checked against real ones."""
        statuses = [status for _, _, status in story["done"]]
        assert statuses == [201, 400, 200, 202, 200, 204, 200, 401, 201, 204, 201, 200]
        assert story["refused"] == 403

    def test_failures_say_why(self, server: ServerProcess, story: dict) -> None:
        """A validation failure and a refused sign-in carry their error code in the details."""
        records = audit_records(server, user=story["admin"].username)
        invalid = matching(records, "job.create", None, 400)[0]
        assert invalid["details"]["error"] == "validation_error"
        assert matching(records, "auth.login", None, 401)[0]["details"]["error"] == "unauthorized"

    def test_a_refused_attempt(self, server: ServerProcess, story: dict) -> None:
        """A reader's attempt to create a job is recorded as a failure with status 403."""
        reader = story["reader"]
        records = audit_records(server, user=reader.username)
        assert [(r["action"], r["role"], r["outcome"], r["status"]) for r in records] == [
            ("job.create", "reader", "failure", 403)
        ]

    def test_the_run_is_named(self, server: ServerProcess, story: dict) -> None:
        """A run request names the job as its target and the new run in its details."""
        records = audit_records(server, user=story["admin"].username, action="job.run")
        cancelled = audit_records(server, user=story["admin"].username, action="run.cancel")
        assert records[0]["details"]["result"] == cancelled[0]["target"]

    @pytest.mark.parametrize("role", ["reader", "writer"])
    def test_only_admins_read_the_trail(self, server: ServerProcess, role: str) -> None:
        """Readers and writers get 403 on `GET /audit`."""
        account = add_account(server, role)
        assert_error(server.request("GET", "/audit", key=account.key), 403, "forbidden")


class TestFilters:
    def test_action_is_a_prefix(self, server: ServerProcess, story: dict) -> None:
        """`action=job.` finds every job action of the user and nothing else."""
        everything = audit_records(server, user=story["admin"].username)
        jobs = audit_records(server, user=story["admin"].username, action="job.")
        assert jobs == [r for r in everything if r["action"].startswith("job.")]
        assert {r["action"] for r in jobs} == {"job.create", "job.update", "job.run", "job.delete"}

    def test_target(self, server: ServerProcess, story: dict) -> None:
        """`target` keeps exactly the records about one object."""
        job_id = story["job"]["id"]
        records = audit_records(server, target=job_id)
        assert [r["action"] for r in records] == ["job.delete", "job.run", "job.update",
                                                  "job.create"]  # fmt: skip
        everything = audit_records(server)
        assert records == [r for r in everything if r["target"] == job_id]

    def test_since_and_until(self, server: ServerProcess, story: dict) -> None:
        """`since` and `until` keep the records of a time range, both ends included."""
        everything = audit_records(server, user=story["admin"].username)
        times = sorted(r["time"] for r in everything)
        low, high = times[2], times[-3]
        user = story["admin"].username
        ranged = audit_records(server, user=user, since=low, until=high)
        assert ranged == [r for r in everything if at(low) <= at(r["time"]) <= at(high)]
        assert audit_records(server, user=user, since=times[-1])[0] == everything[0]

    def test_paging(self, server: ServerProcess, story: dict) -> None:
        """Pages of two follow each other without gaps or repeats, newest first."""
        everything = audit_records(server, user=story["admin"].username)
        paged = audit_records(server, limit=2, user=story["admin"].username)
        assert paged == everything
        assert [r["time"] for r in everything] == sorted((r["time"] for r in everything),
                                                         reverse=True)  # fmt: skip


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


class TestAuditLog:
    def test_one_json_line_per_record(self, server: ServerProcess, story: dict) -> None:
        """`audit.log` holds every record of the trail, one JSON object per line."""
        path = Path(server.data_dir) / "logs" / "audit.log"
        lines = path.read_text(encoding="utf-8").splitlines()
        logged = [json.loads(line) for line in lines]
        assert all(set(record) == FIELDS for record in logged)
        assert len({r["id"] for r in logged}) == len(logged)
        for user in (story["admin"].username, story["reader"].username):
            mine = [r for r in logged if r["user"] == user]
            assert mine[::-1] == audit_records(server, user=user)

    def test_no_credentials_in_the_log(self, server: ServerProcess, story: dict) -> None:
        """Neither passwords nor key secrets are written to `audit.log`."""
        text = (Path(server.data_dir) / "logs" / "audit.log").read_text(encoding="utf-8")
        for account in (story["admin"], story["reader"]):
            assert account.password not in text and account.key not in text
        assert "pw-audited-1" not in text and "wrong-password" not in text
        assert send(server, "GET", "/health").status == 200
