"""Build step: the distribution archive of one system, and its SHA-256 checksum file.

Layout inside `orchestrator-<version>-<os>-<arch>/`: `bin/` (both binaries), `conf/`
(orchestrator.yaml, every key with its default), `service/` (the system's service definition),
the system's install script at the top, README (packaging/README-release.md: a first run with the
binaries), LICENSE, CHANGELOG and DEPLOYMENT, and `docs/` (the user guides and the screenshots
they embed). Linux and
macOS get a .tar.gz that keeps the executable bits; Windows gets a .zip. Entries are sorted and
owned by root (0/0), so two builds of the same files differ only by their timestamps, which
follow SOURCE_DATE_EPOCH when it is set.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tarfile
import time
import zipfile
from pathlib import Path

from buildkit import PACKAGING, BuildError, system_name

IMAGE_LINK = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
EXECUTABLE = 0o755
REGULAR = 0o644
# (source, name in the archive, executable) per system, besides the binaries.
SERVICE_FILES = {
    "linux": [
        (PACKAGING / "install.sh", "install.sh", True),
        (PACKAGING / "orchestrator.service", "service/orchestrator.service", False),
    ],
    "macos": [
        (PACKAGING / "install-macos.sh", "install.sh", True),
        (
            PACKAGING / "com.orchestrator.server.plist",
            "service/com.orchestrator.server.plist",
            False,
        ),
    ],
    "windows": [(PACKAGING / "install-windows.ps1", "install.ps1", False)],
}


def archive_members(root: Path, binaries: list[Path]) -> list[tuple[Path, str, bool]]:
    """Every file of the archive as (source, path inside the top folder, executable)."""
    members = [(binary, f"bin/{binary.name}", True) for binary in binaries]
    members.append((root / "conf" / "orchestrator.yaml", "conf/orchestrator.yaml", False))
    members += SERVICE_FILES[system_name()]
    for source, name in (
        ("packaging/README-release.md", "README.md"),
        ("LICENSE", "LICENSE"),
        ("CHANGELOG.md", "CHANGELOG.md"),
        ("docs/deployment.md", "DEPLOYMENT.md"),
    ):
        members.append((root / source, name, False))
    members += user_docs(root)
    missing = [str(source) for source, _, _ in members if not source.is_file()]
    if missing:
        raise BuildError(f"files for the archive are missing: {', '.join(missing)}")
    return sorted(members, key=lambda member: member[1])


def user_docs(root: Path) -> list[tuple[Path, str, bool]]:
    """The user guides (`docs/*.md`) and the screenshots they embed, under `docs/`: the
    archive's README links to them, and they link to each other."""
    docs = root / "docs"
    guides = sorted(docs.glob("*.md"))
    images = sorted(
        {
            (docs / target).resolve()
            for guide in guides
            for target in IMAGE_LINK.findall(guide.read_text(encoding="utf-8"))
            if not target.startswith(("http:", "https:"))
        }
    )
    base = root.resolve()
    return [(p, p.resolve().relative_to(base).as_posix(), False) for p in (*guides, *images)]


def make_archive(root: Path, binaries: list[Path], dist: Path, stem: str) -> tuple[Path, Path]:
    """Write the archive and `<archive>.sha256` (sha256sum's format); return both paths."""
    members = archive_members(root, binaries)
    mtime = int(os.environ.get("SOURCE_DATE_EPOCH") or time.time())
    if system_name() == "windows":
        archive = dist / f"{stem}.zip"
        _write_zip(archive, stem, members, mtime)
    else:
        archive = dist / f"{stem}.tar.gz"
        _write_tar(archive, stem, members, mtime)
    digest = sha256_of(archive)
    checksum = archive.with_name(archive.name + ".sha256")
    # Binary mode: the "  " and "\n" of sha256sum's format, whatever the system's newline.
    checksum.write_bytes(f"{digest}  {archive.name}\n".encode())
    return archive, checksum


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_tar(archive: Path, stem: str, members: list, mtime: int) -> None:
    with tarfile.open(archive, "w:gz", compresslevel=9) as tar:
        for folder in sorted({str(Path(name).parent) for _, name, _ in members} - {"."}):
            tar.addfile(_tar_info(f"{stem}/{folder}", tarfile.DIRTYPE, EXECUTABLE, 0, mtime))
        for source, name, executable in members:
            data = source.read_bytes()
            info = _tar_info(
                f"{stem}/{name}", tarfile.REGTYPE, EXECUTABLE if executable else REGULAR, 0, mtime
            )
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def _tar_info(name: str, kind: bytes, mode: int, size: int, mtime: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.mode, info.size, info.mtime = kind, mode, size, mtime
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    return info


def _write_zip(archive: Path, stem: str, members: list, mtime: int) -> None:
    stamp = time.gmtime(max(mtime, 315532800))[:6]  # zip cannot say a time before 1980
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for source, name, executable in members:
            info = zipfile.ZipInfo(f"{stem}/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = ((EXECUTABLE if executable else REGULAR) | 0o100000) << 16
            zf.writestr(info, source.read_bytes())
