"""The README's quick start: `make run` installs only the runtime, `make test` adds the rest."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support import ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")


def planned(target: str, venv: Path) -> list[str]:
    """The commands `make TARGET` would run for a machine without the virtual environment."""
    # Run from `make test` itself, a nested make would print its directory and inherit flags.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    done = subprocess.run(
        ["make", "--no-print-directory", "-n", target, f"VENV={venv}"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


class TestMakeTargets:
    def test_run_installs_the_runtime_dependencies_only(self, tmp_path: Path) -> None:
        """`make run` installs the package without its test extras, then starts the server."""
        commands = planned("run", tmp_path / "venv")
        installs = [line for line in commands if "pip install" in line and "upgrade" not in line]
        assert installs == [f"{tmp_path / 'venv'}/bin/pip install --quiet -e ."]
        assert commands[-1].endswith("orchestrator-server --data-dir ./data")

    def test_test_adds_the_test_extras(self, tmp_path: Path) -> None:
        """`make test` installs the runtime, then the test extras, then lints and tests."""
        commands = planned("test", tmp_path / "venv")
        assert any(line.endswith("pip install --quiet -e '.[test]'") for line in commands)
        assert any(line.endswith("pytest -q") for line in commands)

    def test_readme_states_the_prerequisites(self) -> None:
        """The quick start names the Python and Node.js versions it needs."""
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        start = readme.index("## Quick start")
        section = readme[start : readme.index("\n## ", start + 1)]
        assert "Python 3.11" in section and "Node.js 20" in section
