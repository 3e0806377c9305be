"""Find and launch the system's Chromium for the browser tests and the screenshot script.

Playwright's own browser download cannot be used here (`playwright install` needs a host we
cannot reach), so we launch the Chromium that the OS packages (`/usr/bin/chromium` on Debian,
installed by `.ci/run`). Everything the browser tests need is checked in one place, so a machine
without it skips them with one clear reason instead of failing in a dozen ways.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

ROOT = Path(__file__).resolve().parents[3]
UI_INDEX = ROOT / "orchestrator" / "gateway" / "static" / "ui" / "index.html"
AXE_SCRIPT = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
# Flags measured to work headless in a container as root (ARCHITECTURE.md, "Facts measured").
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> Path | None:
    """ORCH_TEST_CHROMIUM when set, else Debian's /usr/bin/chromium, else a Chromium on PATH."""
    chosen = os.environ.get("ORCH_TEST_CHROMIUM")
    if chosen:
        return Path(chosen) if Path(chosen).is_file() else None
    debian = Path("/usr/bin/chromium")
    if debian.is_file():
        return debian
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def missing_reason() -> str | None:
    """Why the browser tests cannot run on this machine, or None when they can."""
    if importlib.util.find_spec("playwright") is None:
        return "Python playwright is not installed (pip install playwright)"
    if chromium_path() is None:
        return "no Chromium at /usr/bin/chromium (apt-get install chromium, or ORCH_TEST_CHROMIUM)"
    if not UI_INDEX.is_file():
        return "the web UI is not built (make ui)"
    if not AXE_SCRIPT.is_file():
        return "web/node_modules/axe-core is missing (cd web && npm ci)"
    return None


def required() -> bool:
    """Whether a missing browser is an error: `.ci/run` sets ORCH_REQUIRE_BROWSER_TESTS=1
    because it installs Chromium. Other runs (a laptop, a CI without Chromium) skip."""
    return os.environ.get("ORCH_REQUIRE_BROWSER_TESTS", "").lower() in ("1", "true", "yes")


def unavailable(reason: str) -> NoReturn:
    """Skip what needs the browser, saying why, or fail when the browser tests are required."""
    import pytest  # only the tests get here; the screenshot script reports and exits

    if required():
        pytest.fail(f"browser tests required but cannot run: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}", allow_module_level=True)


def launch(playwright: Playwright) -> Browser:
    """Start the system Chromium headless; callers close it."""
    path = chromium_path()
    if path is None:
        raise RuntimeError(missing_reason() or "no Chromium found")
    return playwright.chromium.launch(executable_path=str(path), headless=True, args=ARGS)
