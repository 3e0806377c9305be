"""REST resource: a hot backup of the store (`POST /system/backup`).

SQLite's online backup API copies the database through a connection of its own while the server
keeps running. In WAL mode that connection reads one consistent snapshot of what was committed
(the Storage actor commits every change before it acknowledges it) and never blocks the Storage
actor's writer. The copy is made on a worker thread into a temporary file in the data directory,
streamed to the client, then removed.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from aiohttp import web

from orchestrator.gateway.http import services
from orchestrator.gateway.routing import ADMIN, Api
from orchestrator.log import get_logger

api = Api("system")
routes = api.routes
log = get_logger("orchestrator.gateway")
CONTENT_TYPE = "application/vnd.sqlite3"
CHUNK = 1 << 20


def copy_store(source: Path, directory: Path) -> Path:
    """A consistent copy of the SQLite file `source`, as a new owner-only file in `directory`.

    One backup step (`pages=-1`) copies the whole database from one read snapshot; copying in
    several steps would restart whenever the server commits in between. The copy leaves WAL
    mode so that it is one self-contained file (the server turns WAL on again when it opens it).
    """
    fd, name = tempfile.mkstemp(prefix=".backup-", suffix=".sqlite", dir=directory)
    os.close(fd)
    target = Path(name)
    try:
        with (
            contextlib.closing(sqlite3.connect(source)) as src,
            contextlib.closing(sqlite3.connect(target)) as dst,
        ):
            src.backup(dst, pages=-1)
            dst.execute("PRAGMA journal_mode=DELETE")
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target


def _read(handle, size: int) -> bytes:  # noqa: ANN001 - a binary file
    return handle.read(size)


@api.post(
    "/system/backup", role=ADMIN, action="system.backup", op="backup", summary="Back up the store"
)
async def backup(request: web.Request) -> web.StreamResponse:
    """Stream a consistent copy of the store as a download."""
    config = services(request).config
    loop = asyncio.get_running_loop()
    copy = await loop.run_in_executor(None, copy_store, config.store_path, config.data_dir)
    try:
        size = copy.stat().st_size
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        response = web.StreamResponse(
            headers={
                "Content-Type": CONTENT_TYPE,
                "Content-Disposition": f'attachment; filename="orchestrator-backup-{stamp}.sqlite"',
                "Content-Length": str(size),
                "Cache-Control": "no-store",
            }
        )
        await response.prepare(request)
        with copy.open("rb") as handle:
            while chunk := await loop.run_in_executor(None, _read, handle, CHUNK):
                await response.write(chunk)
        await response.write_eof()
        log.info("store backed up", bytes=size, by=request["principal"]["username"])
        return response
    finally:
        copy.unlink(missing_ok=True)
