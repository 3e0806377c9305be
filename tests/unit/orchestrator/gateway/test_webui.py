"""The web UI's files under /ui/: index.html for client routes, JavaScript served as JavaScript,
hashed assets cached for good, nothing outside the build folder, and a clear page when the UI
was not built."""

from __future__ import annotations

import asyncio
import gzip
import os
from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from multidict import CIMultiDict

from orchestrator.gateway import webui

INDEX = b'<!doctype html><html><body><div id="app"></div></body></html>'
SCRIPT = b"export const answer = 42;\n" * 100


def make_build(root: Path) -> Path:
    """A folder shaped like `vite build` output, beside a file that must never be served."""
    build = root / "ui"
    (build / "assets").mkdir(parents=True)
    (build / "index.html").write_bytes(INDEX)
    (build / "assets" / "index-AbC123.js").write_bytes(SCRIPT)
    (build / "assets" / "index-AbC123.css").write_bytes(b"body{margin:0}")
    (build / "favicon.svg").write_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    (root / "secret.txt").write_bytes(b"top secret")
    return build


def fetch(
    build: Path, *requests: tuple[str, dict[str, str]]
) -> list[tuple[int, CIMultiDict, bytes]]:
    """GET each (path, headers) from a real aiohttp app holding only the UI's routes."""

    async def run() -> list[tuple[int, CIMultiDict, bytes]]:
        app = web.Application()
        app.add_routes(webui.build_routes(build))
        answers = []
        # Bytes as sent: the test reads compressed bodies itself.
        async with TestClient(TestServer(app), auto_decompress=False) as client:
            for path, headers in requests:
                resp = await client.get(path, headers=headers, allow_redirects=False)
                answers.append((resp.status, CIMultiDict(resp.headers), await resp.read()))
        return answers

    return asyncio.run(run())


class TestPages:
    def test_index_and_client_routes_answer_the_page(self, tmp_path: Path) -> None:
        """/ui/ and any client route (even one with a dot in it) answer index.html, revalidated."""
        build = make_build(tmp_path)
        answers = fetch(build, ("/ui/", {}), ("/ui/jobs/J1", {}), ("/ui/jobs/report.v2", {}))
        for status, headers, body in answers:
            assert status == 200 and body == INDEX
            assert headers["Content-Type"] == "text/html; charset=utf-8"
            assert headers["Cache-Control"] == "no-cache"

    def test_browsers_are_sent_to_the_ui(self, tmp_path: Path) -> None:
        """GET / redirects to /ui/, and /ui without its slash too."""
        build = make_build(tmp_path)
        [(home, home_headers, _), (bare, bare_headers, _)] = fetch(build, ("/", {}), ("/ui", {}))
        assert home == 302 and home_headers["Location"] == "/ui/"
        assert bare == 301 and bare_headers["Location"] == "/ui/"

    def test_not_built_says_how_to_build(self, tmp_path: Path) -> None:
        """Without a build the UI answers 503 with a page that names `make ui`."""
        [(status, headers, body)] = fetch(tmp_path / "missing", ("/ui/jobs", {}))
        assert status == 503 and headers["Content-Type"].startswith("text/html")
        assert b"make ui" in body


class TestAssets:
    def test_scripts_styles_and_images_have_their_types(self, tmp_path: Path) -> None:
        """.js is text/javascript whatever the platform's MIME table says; .css and .svg too."""
        build = make_build(tmp_path)
        answers = fetch(
            build,
            ("/ui/assets/index-AbC123.js", {"Accept-Encoding": "identity"}),
            ("/ui/assets/index-AbC123.css", {}),
            ("/ui/favicon.svg", {}),
        )
        types = [headers["Content-Type"].split(";")[0] for _, headers, _ in answers]
        assert types == ["text/javascript", "text/css", "image/svg+xml"]
        assert answers[0][2] == SCRIPT

    def test_hashed_assets_are_cached_for_good_and_compressed(self, tmp_path: Path) -> None:
        """Files under assets/ are immutable for a year, gzip on request, 304 on a match."""
        build = make_build(tmp_path)
        [(status, headers, body)] = fetch(
            build, ("/ui/assets/index-AbC123.js", {"Accept-Encoding": "gzip"})
        )
        assert status == 200 and "immutable" in headers["Cache-Control"]
        assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body) == SCRIPT
        [(again, _, _)] = fetch(
            build, ("/ui/assets/index-AbC123.js", {"If-None-Match": headers["ETag"]})
        )
        assert again == 304

    def test_missing_files_are_404_not_the_page(self, tmp_path: Path) -> None:
        """A missing asset or top-level file is a 404, so a stale page does not run HTML as JS."""
        build = make_build(tmp_path)
        answers = fetch(build, ("/ui/assets/gone-123.js", {}), ("/ui/robots.txt", {}))
        assert [status for status, _, _ in answers] == [404, 404]

    def test_nothing_outside_the_build_is_served(self, tmp_path: Path) -> None:
        """Dot-dot paths, plain or encoded, never reach files beside the build folder."""
        build = make_build(tmp_path)
        answers = fetch(
            build,
            ("/ui/../secret.txt", {}),
            ("/ui/%2e%2e/secret.txt", {}),
            ("/ui/assets/..%2f..%2fsecret.txt", {}),
        )
        for _, _, body in answers:
            assert b"top secret" not in body

    def test_a_rebuild_is_served_without_a_restart(self, tmp_path: Path) -> None:
        """Changing a built file while the server runs serves the new bytes."""
        build = make_build(tmp_path)
        fetch(build, ("/ui/", {}))
        page = build / "index.html"
        page.write_bytes(b"<!doctype html><p>new build</p>")
        stat = page.stat()
        os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
        [(_, _, body)] = fetch(build, ("/ui/", {}))
        assert body == b"<!doctype html><p>new build</p>"
