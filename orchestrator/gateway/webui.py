"""Serve the built web UI under /ui/, and send browsers that open / there.

The UI is a Vite build (`make ui` writes it to `static/ui/`, which git ignores). Client-side
routes such as /ui/jobs/J1 have no file: they get index.html and the router in the page takes
over. Content types come from a fixed table because platform MIME databases differ (Windows may
map `.js` to `text/plain`, which browsers refuse for module scripts). Vite names every asset with
a hash of its content, so assets are cached for a year and index.html is revalidated each time.
"""

from __future__ import annotations

import gzip
import hashlib
from functools import lru_cache
from pathlib import Path, PurePosixPath

from aiohttp import web

from orchestrator.gateway.routing import OPEN, Api

UI_ROOT = Path(__file__).resolve().parent / "static" / "ui"
CONTENT_TYPES = {
    ".html": "text/html",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".webp": "image/webp",
    ".woff2": "font/woff2",
    ".txt": "text/plain",
    ".webmanifest": "application/manifest+json",
}
TEXT_TYPES = ("text/", "application/json", "application/manifest+json", "image/svg+xml")
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Web UI not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto;">
<h1>The web UI is not built</h1>
<p>This server has no web UI files. From the source tree, run <code>make ui</code>
(it needs Node.js 20 or later) and reload this page.</p>
<p>The API works without it: see <a href="/docs">the API documentation</a>.</p>
</body></html>
"""


class _Blob:
    """A file's bytes with their gzip form and validator, kept while the file is unchanged."""

    def __init__(self, data: bytes, content_type: str) -> None:
        self.data = data
        self.content_type = content_type
        compressible = content_type.startswith(TEXT_TYPES) and len(data) > 1024
        self.gzipped = gzip.compress(data, compresslevel=6, mtime=0) if compressible else None
        self.etag = hashlib.sha256(data).hexdigest()[:32]


@lru_cache(maxsize=256)
def _load(path: Path, mtime_ns: int, size: int) -> _Blob:
    # mtime and size are part of the key, so a rebuild while the server runs is picked up.
    content_type = CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")
    return _Blob(path.read_bytes(), content_type)


def _blob(path: Path) -> _Blob:
    stat = path.stat()
    return _load(path, stat.st_mtime_ns, stat.st_size)


def _send(request: web.Request, blob: _Blob, cache_control: str) -> web.Response:
    headers = {"ETag": f'W/"{blob.etag}"', "Cache-Control": cache_control}
    if blob.etag in request.headers.get("If-None-Match", ""):
        return web.Response(status=304, headers=headers)
    body = blob.data
    if blob.gzipped is not None:
        headers["Vary"] = "Accept-Encoding"
        if "gzip" in request.headers.get("Accept-Encoding", ""):
            headers["Content-Encoding"] = "gzip"
            body = blob.gzipped
    charset = "utf-8" if blob.content_type.startswith(TEXT_TYPES) else None
    return web.Response(body=body, content_type=blob.content_type, charset=charset, headers=headers)


def _inside(root: Path, relative: str) -> Path | None:
    """The file `relative` names under `root`, or None (missing, a folder, or outside root)."""
    parts = PurePosixPath(relative).parts
    if not parts or any(part in ("..", "") or "\\" in part or ":" in part for part in parts):
        return None
    candidate = root.joinpath(*parts)
    try:
        resolved = candidate.resolve(strict=True)
    except (OSError, RuntimeError, ValueError):  # ValueError: a NUL byte in the name
        return None
    return resolved if resolved.is_file() and resolved.is_relative_to(root.resolve()) else None


def build_routes(root: Path = UI_ROOT) -> web.RouteTableDef:
    """The UI's routes, serving the build found in `root` (tests pass their own folder)."""
    table = Api(None)

    def index(request: web.Request) -> web.Response:
        page = root / "index.html"
        if not page.is_file():
            return web.Response(
                status=503, text=NOT_BUILT, content_type="text/html", charset="utf-8"
            )
        return _send(request, _blob(page), REVALIDATE)

    @table.get("/", role=OPEN)
    async def home(request: web.Request) -> web.Response:
        """Browsers that open the server's address land on the web UI."""
        raise web.HTTPFound("/ui/")

    @table.get("/ui", role=OPEN)
    async def ui_bare(request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently("/ui/")

    @table.get("/ui/", role=OPEN)
    async def ui_index(request: web.Request) -> web.Response:
        return index(request)

    @table.get("/ui/{path:.+}", role=OPEN)
    async def ui_file(request: web.Request) -> web.Response:
        """A built file, or index.html for a client route; a missing asset is a plain 404."""
        relative = request.match_info["path"]
        found = _inside(root, relative)
        if found is not None:
            hashed = relative.startswith("assets/")
            return _send(request, _blob(found), IMMUTABLE if hashed else REVALIDATE)
        # Only built files look like these; a client route may hold a dot (/ui/jobs/a.b).
        top_level_file = "/" not in relative and PurePosixPath(relative).suffix in CONTENT_TYPES
        if relative.startswith("assets/") or top_level_file:
            raise web.HTTPNotFound()
        return index(request)

    return table.routes


routes = build_routes()
