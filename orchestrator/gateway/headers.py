"""Security headers on every answer: no MIME sniffing, no framing, no referrer, and a Content
Security Policy that lets pages load code and styles from this server only.

The web UI is a Vite build whose index.html holds no inline script or style, so its policy is
strict. Swagger UI at /docs sets inline styles on the elements it draws and shows icons as
`data:` images, so its policy allows those (and still no inline or foreign script). API answers
are data, never pages: their policy allows nothing at all.
"""

from __future__ import annotations

from aiohttp import web

_COMMON = "base-uri 'self'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"
UI_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    f"connect-src 'self'; {_COMMON}"
)
DOCS_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    f"img-src 'self' data:; connect-src 'self'; {_COMMON}"
)
API_POLICY = "default-src 'none'; frame-ancestors 'none'"


def policy_for(path: str) -> str:
    """The Content-Security-Policy of the answer to `path`."""
    if path == "/" or path == "/ui" or path.startswith("/ui/"):
        return UI_POLICY
    if path == "/docs" or path.startswith("/docs/"):
        return DOCS_POLICY
    return API_POLICY


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """`on_response_prepare` hook: runs for every answer, errors and streams included."""
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Content-Security-Policy", policy_for(request.path))
