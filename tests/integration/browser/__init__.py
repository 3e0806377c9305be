"""Browser tests of the web UI: headless Chromium driven by Playwright against a real server."""
