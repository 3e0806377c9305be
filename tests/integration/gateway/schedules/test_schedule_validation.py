"""Crons that never fire: refused on every way in, and harmless when already stored (a store
written before they were refused, or a time zone gone from the system). The cron alone:
tests/unit/orchestrator/scheduling/test_cron_horizon.py."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest

from tests.api_helpers import assert_error, make_job, unique
from tests.support import ServerProcess

NEVER = ("0 0 31 2 *", "0 0 31 4,6,9,11 *", "30 * * 30 2 *")


def _cron_error(answer) -> str:
    details = assert_error(answer, 400, "validation_error")
    assert "never fires" in details["fields"]["cron"], details
    return details["fields"]["cron"]


class TestNeverFiringCronRefused:
    """Create, replace, patch and import refuse such a cron, and nothing is stored."""

    @pytest.mark.parametrize("expression", NEVER[:2])
    def test_create_answers_400_and_the_list_still_works(self, server: ServerProcess, expression):
        """POST answers 400 on `cron`; the schedule does not exist and GET /schedules is 200."""
        name = unique("never")
        _cron_error(server.request("POST", "/schedules", {"name": name, "cron": expression}))
        assert server.request("GET", f"/schedules/{name}")[0] == 404
        status, page = server.request("GET", "/schedules?limit=500")
        assert status == 200 and all(s["next_fire_error"] is None for s in page["items"]), page

    def test_a_leap_day_cron_is_accepted(self, server: ServerProcess):
        """`0 0 29 2 *` is valid and its next fire is on a 29 February."""
        body = {"name": unique("leap"), "cron": "0 0 29 2 *"}
        status, schedule = server.request("POST", "/schedules", body)
        assert status == 201, schedule
        assert schedule["next_fire_at"][5:10] == "02-29" and schedule["next_fire_error"] is None

    def test_put_and_patch_answer_400_and_keep_the_schedule(self, server: ServerProcess):
        """Neither a replacement nor a patch can store a never-firing cron."""
        body = {"name": unique("edit"), "cron": "0 3 * * *"}
        status, schedule = server.request("POST", "/schedules", body)
        assert status == 201, schedule
        path = f"/schedules/{schedule['id']}"
        _cron_error(server.request("PUT", path, {**body, "cron": "0 0 31 2 *"}))
        _cron_error(server.request("PATCH", path, {"cron": "0 0 31 4,6,9,11 *"}))
        status, kept = server.request("GET", path)
        assert status == 200 and kept["cron"] == "0 3 * * *" and kept["next_fire_at"]

    def test_import_answers_400_naming_the_schedule(self, server: ServerProcess):
        """A configuration import names `schedules[0].cron` and creates nothing."""
        name = unique("imported")
        doc = {"format": "orchestrator-config", "version": 1, "jobs": [], "pipelines": [],
               "webhooks": [], "schedules": [{"name": name, "cron": "0 0 31 2 *"}]}  # fmt: skip
        details = assert_error(
            server.request("POST", "/config/import", doc), 400, "validation_error"
        )
        assert "never fires" in details["fields"]["schedules[0].cron"], details
        assert server.request("GET", f"/schedules/{name}")[0] == 404


def _break_stored(db: Path, changes: dict[str, dict]) -> None:
    """Rewrite schedules in the SQLite file, as a server before this check could have stored."""
    with sqlite3.connect(db) as conn:
        for schedule_id, fields in changes.items():
            (text,) = conn.execute(
                'SELECT value FROM "schedules" WHERE key = ?', (schedule_id,)
            ).fetchone()
            conn.execute(
                'UPDATE "schedules" SET value = ? WHERE key = ?',
                (json.dumps({**json.loads(text), **fields}), schedule_id),
            )


class TestStoredScheduleThatCannotFire:
    """A stored schedule without a next time is shown with the reason and breaks nothing."""

    def test_lists_gets_metrics_and_other_schedules_keep_working(self, tmp_path: Path):
        """After a restart on such a store: 200s with `next_fire_at` null, and fires go on."""
        server = ServerProcess(tmp_path / "data").start()
        try:
            job = make_job(server, tmp_path, max_concurrent=50)
            made = {}
            for name, cron in (
                ("good", "*/1 * * * * *"),
                ("feb", "0 3 * * *"),
                ("tz", "0 3 * * *"),
            ):
                body = {"name": name, "cron": cron, "targets": [job["id"]]}
                status, made[name] = server.request("POST", "/schedules", body)
                assert status == 201, made[name]
        finally:
            server.stop()
        _break_stored(
            tmp_path / "data" / "orchestrator.sqlite",
            {
                made["feb"]["id"]: {"cron": "0 0 31 2 *"},
                made["tz"]["id"]: {"timezone": "Mars/Base"},
            },
        )
        again = ServerProcess(tmp_path / "data").start()
        try:
            status, page = again.request("GET", "/schedules")
            assert status == 200, page
            shown = {s["name"]: s for s in page["items"]}
            for name, reason in (("feb", "never fires"), ("tz", "unknown time zone")):
                assert shown[name]["next_fire_at"] is None, shown[name]
                assert reason in shown[name]["next_fire_error"], shown[name]
                status, one = again.request("GET", f"/schedules/{made[name]['id']}")
                assert status == 200 and one["next_fire_at"] is None and one["next_fire_error"]
            assert shown["good"]["next_fire_at"] and shown["good"]["next_fire_error"] is None
            assert again.request("GET", "/metrics")[0] == 200
            shown_by_cli = again.cli("schedules", "get", "feb")
            assert shown_by_cli.returncode == 0, shown_by_cli.stderr
            assert "next_fire_error" in shown_by_cli.stdout and "never fires" in shown_by_cli.stdout
            deadline = time.monotonic() + 20
            while True:
                runs = again.request("GET", f"/runs?owner={job['id']}")[1]["items"]
                if runs:
                    break
                assert time.monotonic() < deadline, "the good schedule never fired"
                time.sleep(0.2)
            assert {run["trigger"]["by"] for run in runs} == {made["good"]["id"]}
            _cron_error(again.request("POST", f"/schedules/{made['feb']['id']}/copy", {}))
            status, fixed = again.request(
                "PATCH", f"/schedules/{made['feb']['id']}", {"cron": "0 4 * * *"}
            )
            assert status == 200 and fixed["next_fire_at"] and fixed["next_fire_error"] is None
        finally:
            again.stop()
