"""Every view at phone width without horizontal overflow, and without a serious or critical
accessibility violation as axe-core sees it, at 1280x800 and at 375x800.

One page per size serves every view of the module: each view is opened with a full page load,
so nothing of the previous view is left on screen, and no context is set up per test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.browser.catalog import VIEWS, View, view
from tests.integration.browser.contexts import DESKTOP, PHONE, shared_page
from tests.integration.browser.pages import (
    axe_violations,
    describe_violations,
    open_view,
    overflow,
)
from tests.integration.browser.playwright_api import Browser, Page, expect
from tests.support import ServerProcess

VIEW_IDS = [item.name for item in VIEWS]


@pytest.fixture(scope="module")
def desktop(browser: Browser, server: ServerProcess, admin_state: dict) -> Iterator[Page]:
    """A 1280x800 page signed in as admin, shared by the module's tests."""
    yield from shared_page(browser, server, admin_state, DESKTOP)


@pytest.fixture(scope="module")
def phone(browser: Browser, server: ServerProcess, admin_state: dict) -> Iterator[Page]:
    """A 375x800 page signed in as admin, shared by the module's tests."""
    yield from shared_page(browser, server, admin_state, PHONE)


class TestPhoneWidth:
    @pytest.mark.parametrize("item", VIEWS, ids=VIEW_IDS)
    def test_no_overflow_and_nothing_serious_at_375_pixels(
        self, phone: Page, server: ServerProcess, seeded: dict, item: View
    ) -> None:
        """At 375x800 nothing passes the screen's edge and axe-core finds nothing serious."""
        open_view(phone, server.url, item, seeded)
        measured = overflow(phone)
        assert measured["scrollWidth"] <= measured["innerWidth"], measured
        assert measured["offenders"] == [], measured
        violations = axe_violations(phone)
        assert violations == [], describe_violations(violations)

    def test_the_check_sees_a_planted_overflow(
        self, phone: Page, server: ServerProcess, seeded: dict
    ) -> None:
        """A 600-pixel box planted in the jobs page is reported, though <body> hides it."""
        open_view(phone, server.url, view("jobs"), seeded)
        # Styled through the DOM: the page's policy refuses inline style attributes.
        phone.locator("main").evaluate(
            "main => { const box = document.createElement('div'); box.id = 'planted';"
            " box.style.width = '600px'; box.textContent = 'wide'; main.append(box); }"
        )
        assert any("div#planted" in offender for offender in overflow(phone)["offenders"])

    def test_the_open_menu_fits_too(self, phone: Page, server: ServerProcess, seeded: dict) -> None:
        """The navigation opened with the Menu button fits the phone's width."""
        open_view(phone, server.url, view("jobs"), seeded)
        menu = phone.get_by_role("button", name="Menu")
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
        nav = phone.get_by_role("navigation", name="Main")
        expect(nav.get_by_role("link", name="Audit")).to_be_visible()
        assert overflow(phone)["offenders"] == []
        violations = axe_violations(phone)
        assert violations == [], describe_violations(violations)


class TestDesktopAccessibility:
    @pytest.mark.parametrize("item", VIEWS, ids=VIEW_IDS)
    def test_nothing_serious_at_1280_pixels(
        self, desktop: Page, server: ServerProcess, seeded: dict, item: View
    ) -> None:
        """axe-core reports no serious or critical violation on the view at 1280x800."""
        open_view(desktop, server.url, item, seeded)
        violations = axe_violations(desktop)
        assert violations == [], describe_violations(violations)
