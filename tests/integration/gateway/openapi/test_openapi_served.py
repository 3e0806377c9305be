"""The OpenAPI document and Swagger UI as the real server hands them out: without authentication,
the assets typed, an unknown asset a 404 in the envelope."""

from __future__ import annotations

import urllib.request

from orchestrator import __version__
from orchestrator.gateway.openapi import build_document
from tests.openapi_helpers import EXPECTED_ROUTES, documented
from tests.support import ServerProcess


class TestServedDocument:
    def test_open_without_a_key(self, server: ServerProcess) -> None:
        """The real server hands out the document and the page without authentication."""
        status, doc = server.request("GET", "/openapi.json", key=None)
        assert status == 200 and doc == build_document(__version__)
        assert documented(doc) >= EXPECTED_ROUTES
        status, page = server.request("GET", "/docs", key=None)
        assert status == 200 and "docs/swagger-ui-bundle.js" in page

    def test_assets_open_and_typed(self, server: ServerProcess) -> None:
        """Swagger UI's script comes without a key, typed as JavaScript."""
        url = server.url + "/docs/swagger-ui-bundle.js"
        with urllib.request.urlopen(url, timeout=10) as resp:
            assert resp.status == 200
            assert resp.headers.get_content_type() in ("application/javascript", "text/javascript")

    def test_unknown_asset_is_an_enveloped_404(self, server: ServerProcess) -> None:
        """A file that is not part of Swagger UI is a 404 in the API's error format."""
        status, body = server.request("GET", "/docs/package.json", key=None)
        assert status == 404 and body["error"]["code"] == "not_found"
