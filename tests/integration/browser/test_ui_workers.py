"""Placement and workers in the UI: a job's worker resources in its form and page, the worker of
a run on its page and in the runs list, and the executor with its workers on Settings."""

from __future__ import annotations

import socket
from pathlib import Path

from tests.integration.browser.playwright_api import Page, expect
from tests.support import ServerProcess


class TestResourcesInTheJobForm:
    """The form sends `gpu=1, mem=0.5` as resources, shows them back, and flags bad items."""

    def test_create_and_show(self, page: Page, server: ServerProcess, workdir: Path) -> None:
        page.goto("/ui/jobs/new")
        form = page.locator("main form")
        form.get_by_label("Name", exact=True).fill("ui-placed")
        form.get_by_label("Working directory").fill(str(workdir))
        form.get_by_label("Command", exact=True).fill("echo placed")
        form.get_by_label("Worker resources").fill("gpu=1, mem=0.5")
        page.get_by_role("button", name="Create job").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("ui-placed")
        assert server.request("GET", "/jobs/ui-placed")[1]["resources"] == {"gpu": 1, "mem": 0.5}
        expect(page.locator("main dl")).to_contain_text("gpu=1, mem=0.5")

    def test_a_bad_item_is_flagged_before_sending(self, page: Page, server: ServerProcess) -> None:
        page.goto("/ui/jobs/new")
        form = page.locator("main form")
        form.get_by_label("Name", exact=True).fill("ui-bad-res")
        form.get_by_label("Working directory").fill("/tmp")
        form.get_by_label("Command", exact=True).fill("true")
        form.get_by_label("Worker resources").fill("gpu=lots")
        page.get_by_role("button", name="Create job").click()
        expect(form.get_by_label("Worker resources")).to_have_attribute("aria-invalid", "true")
        assert server.request("GET", "/jobs/ui-bad-res")[0] == 404


class TestWhereItRan:
    """A local run names its worker on the run page and in the runs list."""

    def test_run_page_and_list(self, page: Page, server: ServerProcess, workdir: Path) -> None:
        body = {"name": "ui-where", "command": "echo hi", "workdir": str(workdir)}
        assert server.request("POST", "/jobs", body)[0] == 201
        status, run = server.request("POST", "/jobs/ui-where/run?wait=true&timeout=20")
        assert status == 200 and run["state"] == "succeeded", run
        page.goto(f"/ui/runs/{run['id']}")
        host = socket.gethostname()
        expect(page.locator("main")).to_contain_text(f"on local ({host})")
        page.goto("/ui/runs")
        table = page.locator("main table").first
        expect(table.get_by_role("columnheader", name="Worker")).to_be_visible()
        row = table.locator("tr", has=page.get_by_role("link", name=run["id"]))
        expect(row).to_contain_text("local")


class TestWorkersOnSettings:
    """Settings names the executor in use (local here) and says attempts run on the server."""

    def test_local_executor(self, page: Page) -> None:
        page.goto("/ui/settings")
        section = page.get_by_role("region", name="Workers")
        expect(section).to_contain_text("Executor: local")
        expect(section).to_contain_text("server's machine")
