"""Build step: one-file PyInstaller binaries of the server and the CLI, and their start-up time.

The options live here rather than in committed .spec files: the spec would only repeat them, and
a generated spec in the work folder keeps PyInstaller's own defaults current. Each binary
carries the Swagger UI, the built web UI when there is one, and the default configuration, at
the same package paths as in the wheel, so the code finds them next to its modules.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from buildkit import BINARIES, EXE, PACKAGING, BuildError, run

ENTRY_SCRIPTS = {
    "orchestrator-server": PACKAGING / "pyi_server.py",
    "orchestrator-cli": PACKAGING / "pyi_cli.py",
}
RUNTIME_HOOK = PACKAGING / "pyi_rth_environment.py"
# Optional imports of our dependencies (yarl's pydantic support, structlog's greenlet support)
# that would pull large packages from the build environment into the binaries for nothing.
EXCLUDED = ("pydantic", "pydantic_core", "dotenv", "greenlet", "tkinter", "IPython", "pytest")


def build_binaries(root: Path, out: Path, work: Path) -> list[Path]:
    """Build both binaries into `out`; return their paths."""
    if importlib.util.find_spec("PyInstaller") is None:
        raise BuildError(
            "PyInstaller is not installed: pip install pyinstaller (or --skip-binaries)"
        )
    built = []
    for name in BINARIES:
        run(_pyinstaller_args(root, name, out, work / name), cwd=root, quiet=True)
        binary = out / f"{name}{EXE}"
        if not binary.is_file():
            raise BuildError(f"PyInstaller did not write {binary}")
        built.append(binary)
    return built


def _pyinstaller_args(root: Path, name: str, out: Path, work: Path) -> list[str | Path]:
    data = []
    if name == "orchestrator-server":  # the CLI never imports the server's package
        # --add-data cannot rename a file: copy the default configuration under its wheel name.
        work.mkdir(parents=True, exist_ok=True)
        default = work / "default.yaml"
        shutil.copyfile(root / "conf" / "orchestrator.yaml", default)
        data = [(root / "orchestrator" / "gateway" / "static", "orchestrator/gateway/static")]
        data.append((default, "orchestrator"))
    args: list[str | Path] = [sys.executable, "-m", "PyInstaller", "--onefile", "--noconfirm"]
    args += ["--log-level", "WARN", "--name", name, "--paths", root]
    args += ["--distpath", out, "--workpath", work, "--specpath", work]
    args += ["--runtime-hook", RUNTIME_HOOK]
    for source, target in data:
        args += ["--add-data", f"{source}{os.pathsep}{target}"]
    for module in EXCLUDED:
        args += ["--exclude-module", module]
    if importlib.util.find_spec("tzdata") is not None:
        args += ["--collect-data", "tzdata"]  # Windows has no system time zone database
    if sys.platform.startswith("linux"):
        args.append("--strip")  # halves libpython; macOS signing and Windows DLLs object to it
    args.append(ENTRY_SCRIPTS[name])
    return args


def startup_seconds(binary: Path, runs: int = 3) -> float:
    """Median wall time of `binary --version`: unpacking, interpreter and imports included."""
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        done = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=60)
        times.append(time.perf_counter() - began)
        if done.returncode != 0 or "orchestrator" not in done.stdout:
            raise BuildError(f"{binary.name} --version failed: {done.stdout}{done.stderr}".strip())
    return statistics.median(times)
