"""Fixtures of the browser tests: one Chromium for the whole suite, a real server per module
(tests/conftest.py's `server`) filled with catalog.seed, and pages already signed in.

The browser lives for the `tests/browser` package only: Playwright's sync API keeps an event loop
marked as running while it is open, which would break `asyncio.run` in the other test modules.
Without Chromium, playwright, the UI build or axe-core the suite is skipped with the reason; on
CI (CI=true), where `.ci/run` installs them, their absence fails the run instead of hiding.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.browser.chromium import launch, missing_reason
from tests.support import ADMIN_PASSWORD, ServerProcess

REASON = missing_reason()
if REASON:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"browser tests cannot run on CI: {REASON}", pytrace=False)
    pytest.skip(f"browser tests skipped: {REASON}", allow_module_level=True)

from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright  # noqa: E402

from tests.browser.catalog import READER, seed  # noqa: E402
from tests.browser.pages import DESKTOP, sign_in  # noqa: E402

# A loaded CI machine with two cores can take a few seconds for a first paint.
expect.set_options(timeout=15_000)
CONTEXT_OPTIONS = {"locale": "en-US", "timezone_id": "UTC", "color_scheme": "light"}


def close(context: BrowserContext) -> None:
    """Close the pages before their context: closing only the context leaves an open log stream
    connected, and the server then waits for it when it shuts down."""
    for opened in context.pages:
        opened.close()
    context.close()


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def seeded(server: ServerProcess, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The catalog's data in this module's server: names to IDs."""
    return seed(server, tmp_path_factory.mktemp("workdir"))


def _signed_in_state(browser: Browser, server: ServerProcess, username: str, password: str):
    context = browser.new_context(base_url=server.url, **CONTEXT_OPTIONS)
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
        context = browser.new_context(
            base_url=server.url,
            storage_state=state,
            viewport=viewport or DESKTOP,
            **CONTEXT_OPTIONS,
        )
        context.set_default_timeout(15_000)
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
