"""Every view at phone width without horizontal overflow, and without a serious or critical
accessibility violation as axe-core sees it (at desktop and phone width)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.catalog import VIEWS, View
from tests.browser.pages import PHONE, axe_violations, describe_violations, open_view, overflow
from tests.support import ServerProcess

VIEW_IDS = [view.name for view in VIEWS]


@pytest.fixture
def open_as_admin(
    new_page: Callable[..., Page], admin_state: dict, server: ServerProcess, seeded: dict
) -> Callable[[View, dict | None], Page]:
    """Open a view in a fresh page of the given size, signed in unless the view is public."""

    def opened(view: View, viewport: dict | None = None) -> Page:
        page = new_page(None if view.public else admin_state, viewport)
        open_view(page, server.url, view, seeded)
        return page

    return opened


class TestPhoneWidth:
    @pytest.mark.parametrize("view", VIEWS, ids=VIEW_IDS)
    def test_nothing_overflows_at_375_pixels(self, open_as_admin: Callable, view: View) -> None:
        """At 375x800 the page is no wider than the screen and no element sticks out of it."""
        measured = overflow(open_as_admin(view, PHONE))
        assert measured["scrollWidth"] <= measured["innerWidth"], measured
        assert measured["offenders"] == [], measured

    def test_the_open_menu_fits_too(self, open_as_admin: Callable) -> None:
        """The navigation opened from the Menu button fits the phone's width."""
        page = open_as_admin(next(v for v in VIEWS if v.name == "jobs"), PHONE)
        menu = page.get_by_role("button", name="Menu")
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
        expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit")).to_be_visible()
        measured = overflow(page)
        assert measured["offenders"] == [], measured


class TestAccessibility:
    @pytest.mark.parametrize("view", VIEWS, ids=VIEW_IDS)
    def test_axe_finds_nothing_serious(self, open_as_admin: Callable, view: View) -> None:
        """axe-core reports no serious or critical violation on the view at 1280x800."""
        violations = axe_violations(open_as_admin(view))
        assert violations == [], describe_violations(violations)

    @pytest.mark.parametrize("view", VIEWS, ids=VIEW_IDS)
    def test_axe_finds_nothing_serious_on_a_phone(
        self, open_as_admin: Callable, view: View
    ) -> None:
        """axe-core reports no serious or critical violation on the view at 375x800."""
        violations = axe_violations(open_as_admin(view, PHONE))
        assert violations == [], describe_violations(violations)
