"""The command bar on every page: the CLI's words answered by the real API."""

from __future__ import annotations

import re

from tests.integration.browser.playwright_api import Locator, Page, expect
from tests.support import ServerProcess


def command(page: Page, line: str) -> Locator:
    """Type a line in the command bar, press Enter, and answer the bar's region."""
    bar = page.get_by_role("region", name="Command bar")
    field = bar.get_by_role("textbox", name="Command")
    field.fill(line)
    field.press("Enter")
    return bar


class TestCommandBar:
    def test_jobs_list_answers_a_table_of_the_jobs(
        self, page: Page, server: ServerProcess, seeded: dict
    ) -> None:
        """`jobs list` shows every job of the server in a table with its state."""
        page.goto("/ui/jobs")
        bar = command(page, "jobs list")
        table = bar.get_by_role("table")
        total = server.request("GET", "/jobs")[1]["total"]
        expect(bar).to_contain_text(f"{total} of {total} jobs")
        row = table.get_by_role("row").filter(has_text="transform")
        expect(row).to_contain_text(seeded["transform"])
        expect(row).to_contain_text("failed")

    def test_jobs_run_starts_the_named_job(
        self, page: Page, server: ServerProcess, seeded: dict
    ) -> None:
        """`jobs run report` starts a run that the API then knows, triggered by admin."""
        page.goto("/ui/")
        bar = command(page, "jobs run report")
        run_id = bar.locator("dt:text-is('id') + dd")
        expect(run_id).to_have_text(re.compile(r"^R\w+$"))
        expect(bar.locator("dt:text-is('owner_name') + dd")).to_have_text("report")
        status, run = server.request("GET", f"/runs/{run_id.inner_text()}")
        assert status == 200 and run["owner_id"] == seeded["report"]
        assert run["trigger"] == {"type": "api", "by": "admin"}

    def test_jobs_run_wait_answers_the_finished_run(self, page: Page, seeded: dict) -> None:
        """`jobs run report --wait` answers once the run has succeeded, with its exit code."""
        page.goto("/ui/")
        bar = command(page, "jobs run report --wait")
        expect(bar.locator("dt:text-is('state') + dd")).to_have_text("succeeded")
        expect(bar.locator("dt:text-is('exit_code') + dd")).to_have_text("0")

    def test_tab_completes_a_job_name(self, page: Page, seeded: dict) -> None:
        """Tab after `jobs run rep` completes the only job name that fits."""
        page.goto("/ui/")
        field = page.get_by_role("textbox", name="Command")
        field.fill("jobs run rep")
        field.press("Tab")
        expect(field).to_have_value("jobs run report ")

    def test_an_unknown_command_says_what_to_type(self, page: Page) -> None:
        """A misspelt command answers a message that names the commands of its group."""
        page.goto("/ui/")
        bar = command(page, "jobs lsit")
        expect(bar).to_contain_text('Unknown command "jobs lsit". Try: jobs list, jobs get')
