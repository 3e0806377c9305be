"""The Playwright names the browser tests use, imported in one place so that a machine without
Python playwright skips each browser test module with that reason (or fails when the browser
tests are required, as `.ci/run` asks).
"""

from __future__ import annotations

from tests.integration.browser.chromium import unavailable

try:
    from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright
except ImportError:
    unavailable("Python playwright is not installed (pip install playwright)")

__all__ = ["Browser", "BrowserContext", "Locator", "Page", "expect", "sync_playwright"]
