"""The live log view: records arrive while the page is open, and the level filter applies."""

from __future__ import annotations

from tests.integration.browser.playwright_api import Page, expect
from tests.support import ServerProcess


def open_live_log(page: Page) -> None:
    page.goto("/ui/logs")
    expect(page.get_by_role("status")).to_have_text("Live")


def create_job(server: ServerProcess, name: str) -> None:
    """Make the server log an info record ("job created") that names `name`."""
    body = {"name": name, "command": "echo hi", "workdir": str(server.data_dir)}
    assert server.request("POST", "/jobs", body)[0] == 201


def fail_sign_in(server: ServerProcess, username: str) -> None:
    """Make the server log a warning record ("sign-in failed") that names `username`."""
    login = {"username": username, "password": "wrong"}
    assert server.request("POST", "/auth/login", login, key=None)[0] == 401


class TestLiveLog:
    def test_a_new_record_appears_without_reload(
        self, page: Page, server: ServerProcess, seeded: dict
    ) -> None:
        """A job created through the API after the page opened shows up as a log line."""
        open_live_log(page)
        records = page.get_by_role("list", name="Log records")
        line = records.get_by_role("listitem").filter(has_text="live-probe")
        expect(line).to_have_count(0)
        create_job(server, "live-probe")
        expect(line).to_contain_text("job created")
        expect(line).to_contain_text("info")

    def test_the_level_filter_hides_lower_levels(
        self, page: Page, server: ServerProcess, seeded: dict
    ) -> None:
        """At "warning" a job's creation is left out and a failed sign-in shows; back at "info",
        both kinds show again."""
        open_live_log(page)
        records = page.get_by_role("list", name="Log records")
        level = page.get_by_label("Level and above")
        expect(records.get_by_text("server started")).to_be_visible()
        level.select_option("warning")
        expect(page.get_by_role("status")).to_have_text("Live")
        expect(records.get_by_text("server started")).to_have_count(0)
        # Records arrive in order: once the warning is on screen, the info record sent before
        # it would have been too.
        create_job(server, "info-probe")
        fail_sign_in(server, "warn-probe")
        expect(records.get_by_role("listitem").filter(has_text="warn-probe")).to_be_visible()
        expect(records.get_by_role("listitem").filter(has_text="info-probe")).to_have_count(0)

        level.select_option("info")
        expect(page.get_by_role("status")).to_have_text("Live")
        expect(records.get_by_role("listitem").filter(has_text="info-probe")).to_be_visible()
        # A warning after the switch also ends, at the server, the warning-level stream the page
        # dropped: the server notices a gone client only when it next writes to it.
        fail_sign_in(server, "warn-again")
        expect(records.get_by_role("listitem").filter(has_text="warn-again")).to_be_visible()

    def test_the_text_filter_keeps_matching_lines(self, page: Page, seeded: dict) -> None:
        """Typing a word keeps only the records that contain it."""
        open_live_log(page)
        records = page.get_by_role("list", name="Log records")
        page.get_by_label("Text contains").fill("pipeline")
        expect(records.get_by_text("server started")).to_have_count(0)
        expect(records.get_by_role("listitem").first).to_contain_text("pipeline")
