"""Swagger UI at /docs: a page that loads only this server's files, served with the content
types browsers require, compressed and cached, with the document at /openapi.json."""

from __future__ import annotations

import asyncio
import json
import re

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from multidict import CIMultiDict

from orchestrator import __version__
from orchestrator.gateway import docs
from orchestrator.gateway.openapi import build_document


def fetch(*requests: tuple[str, dict[str, str]]) -> list[tuple[int, CIMultiDict, bytes]]:
    """GET each (path, headers) from a real aiohttp app holding the docs routes."""

    async def run() -> list[tuple[int, CIMultiDict, bytes]]:
        app = web.Application()
        app.add_routes(docs.routes)
        answers = []
        async with TestClient(TestServer(app)) as client:
            for path, headers in requests:
                resp = await client.get(path, headers=headers, allow_redirects=False)
                answers.append((resp.status, CIMultiDict(resp.headers), await resp.read()))
        return answers

    return asyncio.run(run())


class TestDocsRoutes:
    def test_openapi_json_is_the_document(self) -> None:
        """GET /openapi.json answers the document of this version as JSON."""
        [(status, headers, data)] = fetch(("/openapi.json", {"Accept-Encoding": "identity"}))
        assert status == 200
        assert headers["Content-Type"].startswith("application/json")
        assert json.loads(data) == build_document(__version__)

    def test_page_references_only_local_assets(self) -> None:
        """The /docs page loads its files from this server only, and they exist."""
        [(status, headers, data)] = fetch(("/docs", {}))
        html = data.decode()
        assert status == 200 and headers["Content-Type"].startswith("text/html")
        assert "swagger-ui" in html
        assert re.findall(r"(?:src|href)=\"(?://|https?:)", html) == []
        links = re.findall(r"(?:src|href)=\"([^\"]+)\"", html)
        assert {"docs/swagger-ui-bundle.js", "docs/swagger-ui.css", "openapi.json"} <= set(links)
        init = (docs.VENDOR / "docs-init.js").read_text()
        assert "validatorUrl: null" in init and "http" not in init.replace("href", "")

    def test_assets_have_their_content_types(self) -> None:
        """Scripts are served as JavaScript and the stylesheet as CSS, compressed on request."""
        answers = fetch(
            ("/docs/swagger-ui-bundle.js", {"Accept-Encoding": "identity"}),
            ("/docs/docs-init.js", {}),
            ("/docs/swagger-ui.css", {"Accept-Encoding": "gzip"}),
        )
        (s1, js, body), (s2, init, _), (s3, css, _) = answers
        assert (s1, s2, s3) == (200, 200, 200)
        for headers in (js, init):
            assert headers["Content-Type"].split(";")[0] in (
                "application/javascript",
                "text/javascript",
            )
        assert css["Content-Type"].startswith("text/css")
        assert css["Content-Encoding"] == "gzip"
        assert "Content-Encoding" not in js and body.startswith(b"/*!")

    def test_unchanged_asset_answers_304(self) -> None:
        """A client that sends the ETag back gets 304 without a body."""
        [(_, headers, _)] = fetch(("/docs/swagger-ui.css", {}))
        [(status, _, data)] = fetch(("/docs/swagger-ui.css", {"If-None-Match": headers["ETag"]}))
        assert status == 304 and data == b""

    def test_trailing_slash_redirects_to_the_page(self) -> None:
        """/docs/ sends the browser to /docs, where the page's relative links resolve."""
        [(status, headers, _)] = fetch(("/docs/", {}))
        assert status == 308 and headers["Location"] == "../docs"
