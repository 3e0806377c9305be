"""Build step: the web UI, built by its own tools into the folder the server serves.

The Vite project in `web/` writes `orchestrator/gateway/static/ui/`, which git ignores; the
wheel and the binaries take it from there. A tree without `web/package.json` has no UI to build.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from buildkit import BuildError, run

UI_OUTPUT = Path("orchestrator", "gateway", "static", "ui")


def ui_index(root: Path) -> Path:
    return root / UI_OUTPUT / "index.html"


def has_ui_project(root: Path) -> bool:
    return (root / "web" / "package.json").is_file()


def build_ui(root: Path) -> Path:
    """`npm ci && npm run build` in web/ (as `make ui` does); returns the built index.html."""
    npm = shutil.which("npm")  # npm.cmd on Windows, which subprocess finds only by full path
    if npm is None:
        raise BuildError("npm is not on PATH: install Node.js 20+ or build with --skip-ui")
    web = root / "web"
    run([npm, "ci", "--no-audit", "--no-fund"], cwd=web, quiet=True)
    run([npm, "run", "build"], cwd=web, quiet=True)
    index = ui_index(root)
    if not index.is_file():
        raise BuildError(f"the UI build finished but wrote no {index.relative_to(root)}")
    return index
