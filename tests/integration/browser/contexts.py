"""Browser contexts for the tests and the screenshots: the same locale, time zone and colours
everywhere, and a way to close them that does not leave the server waiting.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from tests.support import ServerProcess

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 800}
# Times in the UI are in the browser's zone: UTC makes them the same as the API's.
OPTIONS = {"locale": "en-US", "timezone_id": "UTC", "color_scheme": "light"}
# A loaded CI machine with two cores can take a few seconds for a first paint.
TIMEOUT_MS = 15_000


def new_context(
    browser: Browser, server: ServerProcess, state: dict | None, viewport: dict
) -> BrowserContext:
    """A fresh context on `server`, signed in when `state` holds a sign-in's storage."""
    context = browser.new_context(
        base_url=server.url, storage_state=state, viewport=viewport, **OPTIONS
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context


def close(context: BrowserContext) -> None:
    """Close the pages before their context: closing only the context leaves an open log stream
    connected, and the server then waits for it when it shuts down."""
    for opened in context.pages:
        opened.close()
    context.close()


def shared_page(
    browser: Browser, server: ServerProcess, state: dict | None, viewport: dict
) -> Iterator[Page]:
    """One page for all the tests of a module (for module-scoped fixtures), closed after."""
    context = new_context(browser, server, state, viewport)
    yield context.new_page()
    close(context)
