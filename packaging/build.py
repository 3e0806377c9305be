"""The one build entry point: web UI, sdist and wheel, binaries, then the distribution archive.

    python packaging/build.py [--clean] [--skip-ui] [--skip-binaries] [--dist-dir DIR]

`make dist` (Linux, macOS) and `build.ps1` (Windows) call it with the same options. It builds for
the system it runs on and writes to dist/: the wheel and sdist (both systems-independent), the
binaries, `orchestrator-<version>-<os>-<arch>.tar.gz` (.zip on Windows) and its .sha256 file.
At the end it prints what it made, the binaries' start-up time and the archive's size against
their targets. Exit code 0 on success, 1 when a step fails (with one line saying why), 2 for a
usage error.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from buildkit import ROOT, BuildError, Stopwatch, archive_stem, megabytes
from step_archive import make_archive
from step_binaries import build_binaries, startup_seconds
from step_python import build_python
from step_ui import build_ui, has_ui_project, ui_index

STARTUP_TARGET = 1.0  # seconds
ARCHIVE_TARGET = 40 * 2**20  # bytes


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="build.py", description=__doc__.split("\n")[0])
    parser.add_argument("--clean", action="store_true", help="remove earlier build output first")
    parser.add_argument("--skip-ui", action="store_true", help="do not build the web UI")
    parser.add_argument(
        "--skip-binaries", action="store_true", help="only the wheel and sdist (no binaries)"
    )
    parser.add_argument("--dist-dir", type=Path, default=ROOT / "dist", help="output (dist/)")
    parser.add_argument(
        "--work-dir", type=Path, default=ROOT / "build" / "packaging", help="PyInstaller's work"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    dist, work = options.dist_dir.resolve(), options.work_dir.resolve()
    watch = Stopwatch()
    report: list[str] = []
    try:
        stem = archive_stem(ROOT)
        if options.clean:
            for folder in (dist, work):
                shutil.rmtree(folder, ignore_errors=True)
        dist.mkdir(parents=True, exist_ok=True)
        with watch.step("web UI"):
            report.append(_ui(options.skip_ui))
        with_ui = ui_index(ROOT).is_file()
        with watch.step("sdist and wheel"):
            wheel, sdist = build_python(ROOT, dist, with_ui)
        report += [_line(wheel), _line(sdist)]
        if options.skip_binaries:
            report.append("binaries and archive: skipped (--skip-binaries)")
        else:
            report += _binaries_and_archive(watch, dist, work, stem)
    except BuildError as err:
        print(f"\nbuild failed: {err}", file=sys.stderr)
        return 1
    print("\n== summary")
    for line in report:
        print(f"  {line}")
    for title, seconds in watch.steps:
        print(f"  time {title}: {seconds:.1f} s")
    print(f"  build time: {watch.total:.1f} s")
    return 0


def _ui(skip: bool) -> str:
    if skip:
        found = "an earlier build is included" if ui_index(ROOT).is_file() else "none included"
        print(f"  skipped (--skip-ui); {found}")
        return f"web UI: skipped, {found}"
    if not has_ui_project(ROOT):
        print("  no web/package.json: there is no UI to build")
        return "web UI: none (no web/package.json)"
    index = build_ui(ROOT)
    return f"web UI: built ({index.relative_to(ROOT).parent})"


def _binaries_and_archive(watch: Stopwatch, dist: Path, work: Path, stem: str) -> list[str]:
    with watch.step("binaries (PyInstaller)"):
        binaries = build_binaries(ROOT, work / "bin", work / "pyinstaller")
    lines = []
    for binary in binaries:
        seconds = startup_seconds(binary)
        verdict = "ok" if seconds < STARTUP_TARGET else f"OVER the {STARTUP_TARGET:.0f} s target"
        lines.append(f"{_line(binary)}, start-up {seconds:.2f} s ({verdict})")
    with watch.step("archive"):
        archive, checksum = make_archive(ROOT, binaries, dist, stem)
    size = archive.stat().st_size
    verdict = "ok" if size < ARCHIVE_TARGET else f"OVER the {megabytes(ARCHIVE_TARGET)} target"
    lines.append(f"{_line(archive)} ({verdict})")
    lines.append(f"{checksum.name}: {checksum.read_text().split()[0]}")
    return lines


def _line(path: Path) -> str:
    return f"{path.name}: {megabytes(path.stat().st_size)}"


if __name__ == "__main__":
    sys.exit(main())
