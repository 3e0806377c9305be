"""Build step: the sdist and the wheel (`python -m build`), then a check of what the wheel holds.

The wheel is built from the sdist, so a file missing from the sdist shows up here. The check
catches the quiet failures of packaging: the built UI is git-ignored, and hatchling leaves
ignored files out unless pyproject.toml lists them as artifacts.
"""

from __future__ import annotations

import importlib.util
import sys
import zipfile
from pathlib import Path

from buildkit import NAME, BuildError, run, version

REQUIRED = (
    "orchestrator/default.yaml",
    "orchestrator/gateway/static/vendor/swagger-ui/swagger-ui-bundle.js",
    "orchestrator/gateway/static/vendor/swagger-ui/index.html",
)
UI_INDEX = "orchestrator/gateway/static/ui/index.html"


def build_python(root: Path, dist: Path, with_ui: bool) -> tuple[Path, Path]:
    """Build both into `dist`; return (wheel, sdist)."""
    if importlib.util.find_spec("build") is None:
        raise BuildError("the 'build' package is not installed: pip install build")
    run([sys.executable, "-m", "build", "--outdir", dist, root], cwd=root, quiet=True)
    release = version(root)
    wheel = dist / f"{NAME}-{release}-py3-none-any.whl"
    sdist = dist / f"{NAME}-{release}.tar.gz"
    for path in (wheel, sdist):
        if not path.is_file():
            raise BuildError(f"python -m build did not write {path.name}")
    check_wheel(wheel, with_ui)
    return wheel, sdist


def check_wheel(wheel: Path, with_ui: bool) -> None:
    """Fail when the wheel lacks the default config, the Swagger UI or (when built) the web UI."""
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    missing = [name for name in REQUIRED if name not in names]
    if with_ui and UI_INDEX not in names:
        missing.append(
            UI_INDEX + " (pyproject.toml needs [tool.hatch.build] artifacts for the built UI)"
        )
    if missing:
        raise BuildError(f"{wheel.name} lacks: {', '.join(missing)}")
