"""Take the web UI guide's screenshots: every view at 1280x800 and at 375x800.

Run it from the repository root after `make ui`, with Chromium installed (see
tests/integration/browser/chromium.py): `.venv/bin/python docs/screenshots.py [VIEW ...]`. It
starts a real server on a temporary data directory, fills it with the browser tests' data (so the
pictures show what the tests check), signs in as admin, and writes
`docs/screenshots/<view>-<width>.png`. Names of views (see tests/integration/browser/catalog.py),
or `command-bar`, limit the run to those.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.integration.browser.catalog import VIEWS, View, seed  # noqa: E402
from tests.integration.browser.chromium import launch, missing_reason  # noqa: E402
from tests.integration.browser.contexts import TIMEOUT_MS  # noqa: E402
from tests.support import ADMIN_PASSWORD, ServerProcess  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

OUT = ROOT / "docs" / "screenshots"
SIZES = {1280: {"width": 1280, "height": 800}, 375: {"width": 375, "height": 800}}
COMMAND_BAR = "command-bar"


def shoot(
    browser: Browser, server: ServerProcess, seeded: dict, views: list[View], command_bar: bool
) -> list[Path]:
    """Each chosen view at each size, and the command bar answering `jobs list` if asked."""
    from tests.integration.browser.contexts import close, new_context
    from tests.integration.browser.pages import open_view, sign_in

    written = []
    for width, viewport in SIZES.items():
        context = new_context(browser, server, None, viewport)
        page = context.new_page()
        sign_in(page, server.url, "admin", ADMIN_PASSWORD)
        for view in views:
            open_view(page, server.url, view, seeded)
            written.append(save(page, f"{view.name}-{width}"))
        if command_bar:
            open_view(page, server.url, next(v for v in VIEWS if v.name == "jobs"), seeded)
            field = page.get_by_role("textbox", name="Command")
            field.fill("jobs list")
            field.press("Enter")
            page.get_by_role("region", name="Command bar").get_by_role("table").wait_for()
            written.append(save(page, f"{COMMAND_BAR}-{width}"))
        close(context)
    return written


def save(page: Page, name: str) -> Path:
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path), animations="disabled", caret="hide")
    return path


def main(argv: list[str]) -> int:
    reason = missing_reason()
    if reason:
        print(f"cannot take screenshots: {reason}", file=sys.stderr)
        return 1
    unknown = [name for name in argv if name not in {view.name for view in VIEWS} | {COMMAND_BAR}]
    if unknown:
        print(f"unknown views: {', '.join(unknown)}", file=sys.stderr)
        return 2
    views = [view for view in VIEWS if not argv or view.name in argv]
    OUT.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with tempfile.TemporaryDirectory() as folder:
        server = ServerProcess(Path(folder) / "data").start()
        try:
            seeded = seed(server, Path(folder))
            with sync_playwright() as playwright:
                browser = launch(playwright)
                try:
                    command_bar = not argv or COMMAND_BAR in argv
                    written = shoot(browser, server, seeded, views, command_bar)
                finally:
                    browser.close()
        finally:
            server.stop()
    for path in written:
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
