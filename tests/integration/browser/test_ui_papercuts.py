"""Small things a new user trips over: actions reachable on a phone, a retried run that says so,
and the runs filter labelled for what it takes."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from tests.integration.browser.contexts import PHONE
from tests.integration.browser.playwright_api import Page, expect
from tests.support import ServerProcess


def _finished(server: ServerProcess, run_id: str) -> dict:
    deadline = time.monotonic() + 15
    while True:
        run = server.request("GET", f"/runs/{run_id}")[1]
        if run["state"] not in ("queued", "running") or time.monotonic() > deadline:
            return run
        time.sleep(0.05)


class TestPhoneActions:
    def test_job_and_pipeline_actions_are_on_screen_at_375_pixels(
        self, new_page: Callable[..., Page], admin_state: dict, seeded: dict
    ) -> None:
        """Each row's Run button is visible inside the phone's width without scrolling."""
        page = new_page(admin_state, PHONE)
        for view, name in (("jobs", "report"), ("pipelines", "etl")):
            page.goto(f"/ui/{view}")
            button = page.get_by_role("button", name=f"Run {name} now")
            expect(button).to_be_visible()
            box = button.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375, box


class TestRetriedRun:
    def test_a_retried_run_links_its_retry(
        self, page: Page, server: ServerProcess, workdir: Path
    ) -> None:
        """After Retry, the failed run's page says "Retried as" with a link to the new run, and
        the runs list offers that link instead of a second Retry."""
        body = {"name": "fails-once", "command": "exit 3", "workdir": str(workdir)}
        assert server.request("POST", "/jobs", body)[0] == 201
        failed = _finished(server, server.request("POST", "/jobs/fails-once/run")[1]["id"])
        assert failed["state"] == "failed"
        page.goto(f"/ui/runs/{failed['id']}")
        page.get_by_role("button", name="Retry", exact=True).click()
        expect(page.get_by_text("Retried as")).to_be_visible()
        again = server.request("GET", f"/runs/{failed['id']}")[1]
        assert again["retried_by"], again
        expect(page.get_by_role("link", name=again["retried_by"])).to_be_visible()
        expect(page.get_by_role("button", name="Retry again")).to_be_visible()
        page.goto("/ui/runs")
        row = page.get_by_role("row").filter(has_text=failed["id"])
        expect(
            row.get_by_role("link", name=f"Retried as run {again['retried_by']}")
        ).to_be_visible()
        expect(row.get_by_role("button", name=f"Retry run {failed['id']}")).to_have_count(0)


class TestRunsFilter:
    def test_the_owner_filter_says_it_takes_names(self, page: Page, seeded: dict) -> None:
        """The runs filter is labelled for a name or an ID, and a job's name filters the list."""
        page.goto("/ui/runs")
        owner = page.get_by_label("Job or pipeline (name or ID)")
        owner.fill("report")
        owner.press("Enter")
        rows = page.get_by_role("row").filter(has_text="report")
        expect(rows.first).to_be_visible()


class TestRetentionSettings:
    def test_settings_show_the_retention_in_force(self, page: Page) -> None:
        """The Settings page lists the retention rules in force and what a purge would do."""
        page.goto("/ui/settings")
        shown = page.get_by_label("Retention in force")
        expect(shown).to_contain_text("finished more than 30 days ago")
        expect(shown).to_contain_text("the 10 latest of each job and pipeline stay")
        expect(shown).to_contain_text("older than 90 days")
        expect(shown).to_contain_text("older than 14 days")
        expect(shown).to_contain_text("would remove 0 runs")
