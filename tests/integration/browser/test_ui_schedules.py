"""A schedule's next fire time, as the server computed it, shown in the UI."""

from __future__ import annotations

import re
from datetime import datetime

from tests.integration.browser.catalog import view
from tests.integration.browser.pages import open_view
from tests.integration.browser.playwright_api import Page, expect
from tests.support import ServerProcess


def shown(value: str) -> str:
    """The UI's way of writing a time (format.js `when`); the browser runs in UTC here."""
    return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M:%S")


class TestNextFire:
    def test_the_schedule_page_shows_the_next_fire_time(
        self, page: Page, server: ServerProcess, seeded: dict
    ) -> None:
        """The schedule's page shows the next fire time the API reports (04:30 UTC)."""
        next_fire = server.request("GET", "/schedules/nightly")[1]["next_fire_at"]
        assert shown(next_fire).endswith(" 04:30:00")
        open_view(page, server.url, view("schedule"), seeded)
        fact = page.locator("main dt:text-is('Next fire') + dd")
        expect(fact).to_contain_text(shown(next_fire))

    def test_the_list_shows_when_it_fires_next(
        self, page: Page, server: ServerProcess, seeded: dict
    ) -> None:
        """The schedules list says when the next fire is, and how far off it is."""
        next_fire = server.request("GET", "/schedules/nightly")[1]["next_fire_at"]
        open_view(page, server.url, view("schedules"), seeded)
        row = page.get_by_role("row").filter(has_text="nightly")
        cell = row.get_by_role("cell").filter(has_text=shown(next_fire))
        expect(cell).to_contain_text(re.compile(r"\bin \d+ (s|min|h|d)\b"))

    def test_a_paused_schedule_has_no_next_fire(
        self, page: Page, server: ServerProcess, seeded: dict
    ) -> None:
        """Pausing from the schedule's page turns the next fire time into "paused"."""
        body = {"name": "weekly", "cron": "0 6 * * 1", "targets": ["report"]}
        created = server.request("POST", "/schedules", body)[1]
        page.goto(f"/ui/schedules/{created['id']}")
        fact = page.locator("main dt:text-is('Next fire') + dd")
        expect(fact).to_contain_text(shown(created["next_fire_at"]))
        page.get_by_role("button", name="Pause", exact=True).click()
        expect(fact).to_have_text("paused")
        assert server.request("GET", "/schedules/weekly")[1]["enabled"] is False
