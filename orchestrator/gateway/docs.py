"""Serve the OpenAPI document and Swagger UI, whose assets ship with the server (no CDN).

The page at /docs loads only files from /docs/<asset> and the document from /openapi.json, so it
works on a machine without internet access. Assets are named in a fixed table with their content
types: platform MIME databases differ (Windows may map `.js` to `text/plain`), and browsers refuse
scripts served with the wrong type.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from functools import cache
from pathlib import Path

from aiohttp import web

from orchestrator import __version__
from orchestrator.errors import NotFound
from orchestrator.gateway.openapi import build_document
from orchestrator.gateway.routing import OPEN, Api

VENDOR = Path(__file__).resolve().parent / "static" / "vendor" / "swagger-ui"
ASSETS = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "docs-init.js": "text/javascript",
    "LICENSE": "text/plain",
    "NOTICE": "text/plain",
    "swagger-ui-bundle.js.LICENSE.txt": "text/plain",
}
api = Api("system")
routes = api.routes


class _Blob:
    """A file kept in memory with its gzip form and validator, read once per process."""

    def __init__(self, data: bytes, content_type: str) -> None:
        self.data = data
        self.gzipped = gzip.compress(data, compresslevel=6, mtime=0)
        self.content_type = content_type
        self.etag = hashlib.sha256(data).hexdigest()[:32]


@cache
def _document_blob() -> _Blob:
    text = json.dumps(build_document(__version__), ensure_ascii=False, separators=(",", ":"))
    return _Blob(text.encode(), "application/json")


@cache
def _asset_blob(name: str) -> _Blob:
    content_type = "text/html" if name == "index.html" else ASSETS[name]
    return _Blob((VENDOR / name).read_bytes(), content_type)


def _send(request: web.Request, blob: _Blob, max_age: int) -> web.Response:
    # Weak: the gzip and plain forms share one validator.
    headers = {"ETag": f'W/"{blob.etag}"', "Cache-Control": f"public, max-age={max_age}"}
    if blob.etag in request.headers.get("If-None-Match", ""):
        return web.Response(status=304, headers=headers)
    headers["Vary"] = "Accept-Encoding"
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        headers["Content-Encoding"] = "gzip"
        data = blob.gzipped
    else:
        data = blob.data
    return web.Response(body=data, content_type=blob.content_type, charset="utf-8", headers=headers)


@api.get("/openapi.json", role=OPEN, op="openapi", summary="This document")
async def openapi_document(request: web.Request) -> web.Response:
    """The OpenAPI 3.1 document, open to everyone."""
    return _send(request, _document_blob(), max_age=0)


@api.get("/docs", role=OPEN, op="docs", summary="Interactive documentation")
async def docs_page(request: web.Request) -> web.Response:
    """Swagger UI's page; its asset links are relative, so a path prefix in front still works."""
    return _send(request, _asset_blob("index.html"), max_age=0)


@api.get("/docs/", role=OPEN)
async def docs_slash(request: web.Request) -> web.Response:
    # Relative links on the page resolve against /docs, not /docs/.
    raise web.HTTPPermanentRedirect("../docs")


@api.get("/docs/{asset}", role=OPEN)
async def docs_asset(request: web.Request) -> web.Response:
    """One vendored Swagger UI file; anything not in the table is a 404."""
    name = request.match_info["asset"]
    if name not in ASSETS:
        raise NotFound(f"No documentation asset named {name!r}.")
    # Assets change only with the server version, which changes their ETag too.
    return _send(request, _asset_blob(name), max_age=3600)
