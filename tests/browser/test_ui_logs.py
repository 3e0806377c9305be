"""The live log view: records arrive while the page is open, and the level filter applies."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.support import ServerProcess


def open_live_log(page: Page) -> None:
    page.goto("/ui/logs")
    expect(page.get_by_role("status")).to_have_text("Live")


class TestLiveLog:
    def test_a_new_record_appears_without_reload(
        self, page: Page, server: ServerProcess, seeded: dict
    ) -> None:
        """A job created through the API after the page opened shows up as a log line."""
        open_live_log(page)
        records = page.get_by_role("list", name="Log records")
        line = records.get_by_role("listitem").filter(has_text="live-probe")
        expect(line).to_have_count(0)
        body = {"name": "live-probe", "command": "echo hi", "workdir": str(server.data_dir)}
        assert server.request("POST", "/jobs", body)[0] == 201
        expect(line).to_contain_text("job created")
        expect(line).to_contain_text("info")

    def test_the_level_filter_hides_lower_levels(self, page: Page, seeded: dict) -> None:
        """Choosing "warning" drops the info records and reconnects the stream."""
        open_live_log(page)
        records = page.get_by_role("list", name="Log records")
        expect(records.get_by_text("server started")).to_be_visible()
        page.get_by_label("Level and above").select_option("warning")
        expect(page.get_by_role("status")).to_have_text("Live")
        expect(records.get_by_text("server started")).to_have_count(0)

    def test_the_text_filter_keeps_matching_lines(self, page: Page, seeded: dict) -> None:
        """Typing a word keeps only the records that contain it."""
        open_live_log(page)
        records = page.get_by_role("list", name="Log records")
        page.get_by_label("Text contains").fill("pipeline")
        expect(records.get_by_text("server started")).to_have_count(0)
        expect(records.get_by_role("listitem").first).to_contain_text("pipeline")
