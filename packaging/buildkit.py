"""What every build step shares: where things are, the version, the platform tag, running tools.

The build steps are plain scripts beside this one (`packaging/` is not a Python package, so that
it never shadows the `packaging` library that pip and pytest import); running `build.py` puts
this folder on `sys.path` and they import each other by module name.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
NAME = "orchestrator"
WINDOWS = os.name == "nt"
EXE = ".exe" if WINDOWS else ""
BINARIES = ("orchestrator-server", "orchestrator-cli")
# Machine names differ between systems for the same architecture (AMD64 on Windows, aarch64 on
# Linux); the archive name uses one spelling for each.
ARCHES = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}


class BuildError(Exception):
    """A step could not do its work; the message says which and why, in one line."""


def version(root: Path = ROOT) -> str:
    """The package version, read from orchestrator/__init__.py without importing the package."""
    text = (root / NAME / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE)
    if found is None:
        raise BuildError("no __version__ in orchestrator/__init__.py")
    return found.group(1)


def system_name() -> str:
    """linux, macos or windows: the system the build runs on, and so the one it builds for."""
    if sys.platform.startswith("linux"):
        return "linux"
    if sys.platform == "darwin":
        return "macos"
    if WINDOWS:
        return "windows"
    raise BuildError(f"unsupported system {sys.platform!r}")


def arch_name() -> str:
    machine = platform.machine().lower()
    return ARCHES.get(machine, machine)


def archive_stem(root: Path = ROOT) -> str:
    """orchestrator-<version>-<os>-<arch>: the archive's name and its top folder."""
    return f"{NAME}-{version(root)}-{system_name()}-{arch_name()}"


def run(args: Sequence[str | os.PathLike[str]], cwd: Path = ROOT, quiet: bool = False) -> None:
    """Run a tool, showing its command line; its output goes to ours unless `quiet`.

    A quiet tool's output is still shown when it fails, since that is when it matters.
    """
    shown = " ".join(str(arg) for arg in args)
    print(f"  $ {shown}", flush=True)
    output = subprocess.PIPE if quiet else None
    done = subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        stdout=output,
        stderr=subprocess.STDOUT if quiet else None,
    )
    if done.returncode != 0:
        if quiet and done.stdout:
            sys.stdout.write(done.stdout.decode(errors="replace"))
        raise BuildError(f"{Path(str(args[0])).name} failed with exit code {done.returncode}")


def megabytes(size: int) -> str:
    return f"{size / 2**20:.1f} MB"


class Stopwatch:
    """Times the steps of a build, for the summary at the end."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.steps: list[tuple[str, float]] = []

    def step(self, title: str) -> _Lap:
        print(f"\n== {title}", flush=True)
        return _Lap(self, title)

    @property
    def total(self) -> float:
        return time.perf_counter() - self.started


class _Lap:
    def __init__(self, watch: Stopwatch, title: str) -> None:
        self.watch = watch
        self.title = title

    def __enter__(self) -> None:
        self.began = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.watch.steps.append((self.title, time.perf_counter() - self.began))
