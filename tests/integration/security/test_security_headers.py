"""Acceptance: security headers. Every answer says `nosniff`, refuses framing and referrers,
and carries a Content Security Policy: strict for the web UI, Swagger UI's own for /docs, and
nothing-allowed for API data."""

from __future__ import annotations

from tests.security_helpers import send
from tests.support import ServerProcess


def header_set(server: ServerProcess, path: str, key: str | None = None) -> dict[str, str]:
    answer = send(server, "GET", path, key=key)
    assert answer.status < 500 or path.startswith("/ui/"), (path, answer.status)
    return answer.headers


class TestSecurityHeaders:
    def test_ui_pages_have_a_strict_policy(self, server: ServerProcess) -> None:
        """/ui/ and a client route: only this server's scripts and styles, no framing."""
        for path in ("/ui/", "/ui/jobs"):
            headers = header_set(server, path)
            policy = headers["content-security-policy"]
            assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
            assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
            assert headers["x-frame-options"] == "DENY"
            assert headers["referrer-policy"] == "no-referrer"
            assert headers["x-content-type-options"] == "nosniff"

    def test_docs_page_allows_only_inline_styles(self, server: ServerProcess) -> None:
        """/docs and its assets: scripts from this server only; styles may be inline."""
        for path in ("/docs", "/docs/swagger-ui-bundle.js"):
            headers = header_set(server, path)
            policy = headers["content-security-policy"]
            assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
            assert headers["x-frame-options"] == "DENY"
            assert headers["x-content-type-options"] == "nosniff"

    def test_every_api_answer_says_nosniff(self, server: ServerProcess) -> None:
        """Success, errors and streams alike carry nosniff and an empty policy."""
        for path, key in (
            ("/health", None),
            ("/jobs", server.api_key),
            ("/jobs", None),
            ("/nope", None),
            ("/logs/stream", server.api_key),
        ):
            headers = header_set(server, path, key)
            assert headers["x-content-type-options"] == "nosniff", path
            assert headers["content-security-policy"].startswith("default-src 'none'"), path
