"""The web UI and Swagger UI work under their Content Security Policy, and the sign-in token
stays in the tab (sessionStorage) unless the user asks to be remembered."""

from __future__ import annotations

from collections.abc import Callable

from tests.integration.browser.pages import sign_in
from tests.integration.browser.playwright_api import Page, expect
from tests.support import ADMIN_PASSWORD, ServerProcess

TOKEN_KEY = "orchestrator.token"


def watch_policy(page: Page) -> list[str]:
    """Collect what the browser reports about the page's Content Security Policy."""
    reports: list[str] = []
    page.on(
        "console",
        lambda msg: reports.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return reports


def stored_token(page: Page) -> tuple[str | None, str | None]:
    """The token in (sessionStorage, localStorage)."""
    return page.evaluate("k => [sessionStorage.getItem(k), localStorage.getItem(k)]", TOKEN_KEY)


class TestContentSecurityPolicy:
    def test_the_ui_signs_in_without_a_violation(
        self, new_page: Callable[..., Page], server: ServerProcess
    ) -> None:
        """Signing in and opening a few views reports nothing against the policy."""
        page = new_page()
        reports = watch_policy(page)
        sign_in(page, server.url, "admin", ADMIN_PASSWORD)
        for path, heading in (("/ui/jobs", "Jobs"), ("/ui/logs", "Logs")):
            page.goto(server.url + path)
            expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert reports == []

    def test_swagger_ui_renders_without_a_violation(
        self, new_page: Callable[..., Page], server: ServerProcess
    ) -> None:
        """/docs draws the operations from /openapi.json under its policy."""
        page = new_page()
        reports = watch_policy(page)
        page.goto(server.url + "/docs")
        expect(page.locator(".opblock").first).to_be_visible()
        assert reports == []


class TestRememberMe:
    def test_without_remember_the_token_stays_in_the_tab(
        self, new_page: Callable[..., Page], server: ServerProcess
    ) -> None:
        """Unchecked, the token is in sessionStorage only; the form says what checking does."""
        page = new_page()
        page.goto(server.url + "/ui/signin")
        expect(page.get_by_text("signed out when this browser tab closes")).to_be_visible()
        sign_in(page, server.url, "admin", ADMIN_PASSWORD)
        session, local = stored_token(page)
        assert session and local is None

    def test_with_remember_the_token_is_kept(
        self, new_page: Callable[..., Page], server: ServerProcess
    ) -> None:
        """Checked, the token is in localStorage and not in sessionStorage."""
        page = new_page()
        sign_in(page, server.url, "admin", ADMIN_PASSWORD, remember=True)
        session, local = stored_token(page)
        assert local and session is None
