"""Settings → import: the dry run names what it would create, and the import makes it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.browser.playwright_api import Page, expect
from tests.support import ServerProcess


class TestImportPanel:
    def test_dry_run_names_new_items_then_the_import_gives_them_ids(
        self, page: Page, server: ServerProcess, tmp_path: Path
    ) -> None:
        """A new job in the file is listed by name as "(new)" by the dry run, and with the ID
        the server gave it once imported."""
        doc = {"jobs": [{"name": "ui-imported", "command": "true", "workdir": "/tmp"}]}
        file = tmp_path / "import.json"
        file.write_text(json.dumps(doc), encoding="utf-8")
        page.goto("/ui/settings")
        page.get_by_label("Configuration file").set_input_files(str(file))
        page.get_by_role("button", name="Check the file (dry run)").click()
        expect(page.get_by_text("ui-imported (new)")).to_be_visible()
        page.get_by_role("button", name="Apply the import").click()
        expect(page.get_by_role("heading", name="Imported:")).to_be_visible()
        status, job = server.request("GET", "/jobs/ui-imported")
        assert status == 200, job
        expect(page.get_by_text(f"ui-imported ({job['id']})")).to_be_visible()
