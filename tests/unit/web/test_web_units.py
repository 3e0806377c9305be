"""The UI's pure JavaScript modules (formatting, commands, cron text, DAG layout) under Node's
own test runner, so `make test` covers them too."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.support import ROOT


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js 20+")
def test_the_ui_unit_tests_pass() -> None:
    """`node --test web/tests/` passes, and really ran tests."""
    done = subprocess.run(
        ["node", "--test", "tests/"],
        cwd=ROOT / "web",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "# fail 0" in done.stdout and "# pass 0" not in done.stdout
