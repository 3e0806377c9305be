"""A job's whole life through the UI alone: create it with the form, run it, inspect the run."""

from __future__ import annotations

import re
from pathlib import Path

from tests.integration.browser.playwright_api import Page, expect
from tests.support import ServerProcess


class TestJobThroughTheUI:
    def test_create_run_and_inspect_a_job(
        self, page: Page, server: ServerProcess, workdir: Path
    ) -> None:
        """The form creates the job, Run starts it, and its run page shows success and output."""
        page.goto("/ui/jobs")
        page.get_by_role("link", name="New job").click()
        form = page.locator("main form")
        form.get_by_label("Name", exact=True).fill("ui-made")
        form.get_by_label("Working directory").fill(str(workdir))
        form.get_by_label("Command", exact=True).fill("echo made in the browser")
        form.get_by_label("Tags").fill("ui, demo")
        page.get_by_role("button", name="Create job").click()

        expect(page.get_by_role("heading", level=1)).to_contain_text("ui-made")
        status, job = server.request("GET", "/jobs/ui-made")
        assert status == 200 and job["tags"] == ["ui", "demo"]
        expect(page).to_have_url(f"{server.url}/ui/jobs/{job['id']}")

        page.get_by_role("button", name="Run ui-made now").click()
        page.get_by_role("link", name="Open the run").click()
        expect(page).to_have_url(re.compile(r"/ui/runs/R\w+$"))
        heading = page.get_by_role("heading", level=1)
        expect(heading).to_contain_text("succeeded")
        output = page.get_by_test_id("live-output")
        expect(output).to_contain_text("made in the browser")
        run_id = page.url.rsplit("/", 1)[1]
        assert server.request("GET", f"/runs/{run_id}")[1]["owner_name"] == "ui-made"

        page.get_by_role("link", name="ui-made").click()
        history = page.get_by_role("table", name="Latest runs of this job")
        expect(history.get_by_role("link", name=run_id)).to_be_visible()

    def test_the_form_shows_the_servers_refusal_beside_the_field(
        self, page: Page, server: ServerProcess
    ) -> None:
        """A relative working directory is refused by the API and the field says why."""
        page.goto("/ui/jobs/new")
        form = page.locator("main form")
        form.get_by_label("Name", exact=True).fill("bad-dir")
        form.get_by_label("Working directory").fill("relative/dir")
        form.get_by_label("Command", exact=True).fill("echo never")
        page.get_by_role("button", name="Create job").click()
        field = form.get_by_label("Working directory")
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(page.get_by_role("alert")).to_be_visible()
        assert server.request("GET", "/jobs/bad-dir")[0] == 404
