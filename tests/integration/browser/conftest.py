"""Fixtures of the browser tests: one Chromium for the whole suite, a real server per module
(tests/conftest.py's `server`) filled with catalog.seed, and pages already signed in.

The browser lives for the `tests/integration/browser` package only: Playwright's sync API keeps an
event loop marked as running while it is open, which would break `asyncio.run` in the other test
modules. Without Chromium, playwright, the UI build or axe-core every test is skipped with the
reason; `.ci/run`, which installs them, sets ORCH_REQUIRE_BROWSER_TESTS=1 so that their absence
fails the run there instead of passing without the browser tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.integration.browser.catalog import READER, seed
from tests.integration.browser.chromium import launch, missing_reason, unavailable
from tests.integration.browser.contexts import DESKTOP, TIMEOUT_MS, close, new_context
from tests.support import ADMIN_PASSWORD, ServerProcess

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

# Playwright is imported by the fixtures that need it, so this file loads without it and the
# browser fixture can say why the tests are skipped.


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """The system's Chromium, headless, for every test of the package."""
    reason = missing_reason()
    if reason:
        unavailable(reason)
    from tests.integration.browser.playwright_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def seeded(server: ServerProcess, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The catalog's data in this module's server: names to IDs."""
    return seed(server, tmp_path_factory.mktemp("workdir"))


def _signed_in_state(browser: Browser, server: ServerProcess, username: str, password: str) -> dict:
    from tests.integration.browser.pages import sign_in

    context = new_context(browser, server, None, DESKTOP)
    try:
        sign_in(context.new_page(), server.url, username, password, remember=True)
        return context.storage_state()
    finally:
        close(context)


@pytest.fixture(scope="module")
def admin_state(browser: Browser, server: ServerProcess, seeded: dict[str, str]) -> dict:
    """Storage of a browser where admin signed in with "Keep me signed in"."""
    return _signed_in_state(browser, server, "admin", ADMIN_PASSWORD)


@pytest.fixture(scope="module")
def reader_state(browser: Browser, server: ServerProcess, seeded: dict[str, str]) -> dict:
    """Storage of a browser where the reader rita signed in."""
    return _signed_in_state(browser, server, *READER)


@pytest.fixture
def new_page(browser: Browser, server: ServerProcess) -> Iterator[Callable[..., Page]]:
    """Open pages in fresh contexts: new_page(state=None, viewport=DESKTOP); closed after."""
    contexts: list[BrowserContext] = []

    def make(state: dict | None = None, viewport: dict | None = None) -> Page:
        context = new_context(browser, server, state, viewport or DESKTOP)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        close(context)


@pytest.fixture
def page(new_page: Callable[..., Page], admin_state: dict) -> Page:
    """A 1280x800 page signed in as admin."""
    return new_page(admin_state)


@pytest.fixture
def reader_page(new_page: Callable[..., Page], reader_state: dict) -> Page:
    """A 1280x800 page signed in as a reader."""
    return new_page(reader_state)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder for jobs that tests create through the UI."""
    return tmp_path_factory.mktemp("ui-jobs")
