"""Signing in and out of the web UI with a password or an API key, against a real server."""

from __future__ import annotations

from collections.abc import Callable

from tests.integration.browser.catalog import READER
from tests.integration.browser.pages import sign_in
from tests.integration.browser.playwright_api import Page, expect
from tests.support import ADMIN_KEY, ADMIN_PASSWORD, ServerProcess


class TestSignIn:
    def test_password_sign_in_shows_the_dashboard_and_who_is_in(
        self, new_page: Callable[..., Page], server: ServerProcess, seeded: dict
    ) -> None:
        """A reader signs in with the form and the header names the user and the role."""
        page = new_page()
        sign_in(page, server.url, *READER)
        expect(page.get_by_role("banner")).to_contain_text(f"{READER[0]} · reader")
        expect(page).to_have_title("Dashboard · Orchestrator")

    def test_a_wrong_password_is_refused_with_a_message(
        self, new_page: Callable[..., Page], server: ServerProcess
    ) -> None:
        """A wrong password keeps the form and shows the server's refusal as an alert."""
        page = new_page()
        page.goto("/ui/signin")
        page.get_by_label("Username", exact=True).fill("admin")
        page.get_by_label("Password", exact=True).fill("not-the-password")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("alert")).to_be_visible()
        expect(page.get_by_role("heading", name="Sign in to Orchestrator")).to_be_visible()

    def test_an_api_key_signs_in_too(
        self, new_page: Callable[..., Page], server: ServerProcess
    ) -> None:
        """Choosing "an API key" and pasting the admin key opens the dashboard as admin."""
        page = new_page()
        page.goto("/ui/signin")
        page.get_by_label("an API key").check()
        page.get_by_label("API key", exact=True).fill(ADMIN_KEY)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
        expect(page.get_by_role("navigation", name="Main")).to_contain_text("Administration")

    def test_a_page_opened_signed_out_comes_back_after_sign_in(
        self, new_page: Callable[..., Page], server: ServerProcess
    ) -> None:
        """Opening /ui/jobs signed out asks to sign in, then lands on the jobs page."""
        page = new_page()
        page.goto("/ui/jobs")
        expect(page).to_have_url(f"{server.url}/ui/signin?next=/jobs")
        page.get_by_label("Username", exact=True).fill("admin")
        page.get_by_label("Password", exact=True).fill(ADMIN_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Jobs", level=1)).to_be_visible()

    def test_sign_out_ends_the_session(
        self, new_page: Callable[..., Page], server: ServerProcess
    ) -> None:
        """Sign out returns to the sign-in page, and the jobs page then asks to sign in again."""
        page = new_page()
        sign_in(page, server.url, "admin", ADMIN_PASSWORD)
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("status")).to_have_text("You are signed out.")
        page.goto("/ui/jobs")
        expect(page.get_by_role("heading", name="Sign in to Orchestrator")).to_be_visible()
