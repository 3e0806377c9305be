"""A reader sees everything and can change nothing: no write control on any page they open."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.integration.browser.catalog import VIEWS, View
from tests.integration.browser.contexts import DESKTOP, shared_page
from tests.integration.browser.pages import open_view
from tests.integration.browser.playwright_api import Browser, Page, expect
from tests.support import ServerProcess

# Names of the controls that change something on the server. Two views are left out: the Logs
# view's Pause and Clear act on the page only, and API keys are every user's own to create and
# revoke (API.md, "Roles"), a reader's too.
WRITE_CONTROL = re.compile(
    r"^\s*(New|Create|Edit|Delete|Remove|Run|Copy|Cancel|Retry|Reset|Trigger|Pause|Resume"
    r"|Save|Apply|Add|Revoke|Disable|Enable|Import|Rotate)\b",
    re.IGNORECASE,
)
SKIPPED = ("logs", "keys")
READER_VIEWS = [
    v
    for v in VIEWS
    if not (v.admin or v.public or v.name in SKIPPED or v.name.endswith(("-new", "-edit")))
]


# Copy buttons that put a text on the clipboard (a context, a new key) change nothing.
CLIPBOARD = re.compile(r"^Copy (the key|final context|context of )", re.IGNORECASE)
CONTROL = re.compile(r"""^\s*- '?(?:button|link) "((?:[^"\\]|\\.)*)\"""", re.MULTILINE)


@pytest.fixture(scope="module")
def reader_tab(browser: Browser, server: ServerProcess, reader_state: dict) -> Iterator[Page]:
    """A 1280x800 page signed in as the reader, shared by the checks of every view."""
    yield from shared_page(browser, server, reader_state, DESKTOP)


def write_controls(page: Page) -> list[str]:
    """The accessible names of the buttons and links in the page's content that change data."""
    names = CONTROL.findall(page.locator("main").aria_snapshot())
    return [name for name in names if WRITE_CONTROL.match(name) and not CLIPBOARD.match(name)]


class TestReader:
    @pytest.mark.parametrize("view", READER_VIEWS, ids=lambda v: v.name)
    def test_no_write_control_on_the_page(
        self, reader_tab: Page, server: ServerProcess, seeded: dict, view: View
    ) -> None:
        """The view shows its data to a reader without a single control that would change it."""
        open_view(reader_tab, server.url, view, seeded)
        assert write_controls(reader_tab) == []

    def test_the_check_finds_the_controls_an_admin_has(
        self, page: Page, server: ServerProcess, seeded: dict
    ) -> None:
        """The same check on the job page signed in as admin finds Run, Edit and Delete."""
        open_view(page, server.url, next(v for v in VIEWS if v.name == "job"), seeded)
        found = " ".join(write_controls(page))
        assert "Run" in found and "Edit" in found and "Delete" in found

    def test_a_writers_page_is_refused(self, reader_page: Page, seeded: dict) -> None:
        """Opening the new job form sends a reader to the dashboard with a notice."""
        reader_page.goto("/ui/jobs/new")
        expect(reader_page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
        expect(reader_page.get_by_role("main")).to_contain_text("Your role cannot open")

    def test_no_administration_links(self, reader_page: Page, seeded: dict) -> None:
        """The navigation offers the work pages and none of the administration pages."""
        reader_page.goto("/ui/")
        nav = reader_page.get_by_role("navigation", name="Main")
        expect(nav.get_by_role("link", name="Jobs")).to_be_visible()
        expect(nav.get_by_role("link", name="Users")).to_have_count(0)
        expect(nav.get_by_role("link", name="Settings")).to_have_count(0)

    def test_the_command_bar_refuses_to_run(
        self, reader_page: Page, server: ServerProcess, seeded: dict
    ) -> None:
        """`jobs run report` answers that the writer role is needed, and starts nothing."""
        before = server.request("GET", f"/runs?owner={seeded['report']}")[1]["total"]
        reader_page.goto("/ui/")
        field = reader_page.get_by_role("textbox", name="Command")
        field.fill("jobs run report")
        field.press("Enter")
        bar = reader_page.get_by_role("region", name="Command bar")
        expect(bar).to_contain_text("needs the writer role; you are reader")
        assert server.request("GET", f"/runs?owner={seeded['report']}")[1]["total"] == before
