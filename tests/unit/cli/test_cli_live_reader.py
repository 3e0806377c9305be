"""The CLI's reader of live output alone: Server-Sent Events parsing, resuming after a dropped
connection with `Last-Event-ID`, step prefixes, and the final line of a waited run."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cli.client import ApiClient
from cli.follow import final_line
from cli.live import OutputStream, Printer, parse_events


def event(name: str, ident: str, data: dict) -> bytes:
    return f"event: {name}\nid: {ident}\ndata: {json.dumps(data)}\n\n".encode()


class DroppingServer(BaseHTTPRequestHandler):
    """Sends one event and drops the connection; resumed from `o3.e0`, it sends the rest."""

    seen: list[str | None] = []

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        self.seen.append(self.headers.get("Last-Event-ID"))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        if self.headers.get("Last-Event-ID") != "o3.e0":
            self.wfile.write(b": keep-alive\n\n")
            self.wfile.write(event("output", "o3.e0", {"stream": "stdout", "text": "ab\n"}))
            return  # closing without `end`: the client must resume
        self.wfile.write(event("output", "o3.e4", {"stream": "stderr", "text": "err\n"}))
        self.wfile.write(event("end", "o3.e4", {"state": "succeeded", "run_id": "R1"}))

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def dropping() -> Iterator[str]:
    DroppingServer.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), DroppingServer)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


class TestParseEvents:
    """Lines become (event, id, data) triples; comments and blank blocks are skipped."""

    def test_fields(self):
        """event, id and multi-line data are read; a keep-alive comment yields nothing."""
        lines = [": keep-alive", "", "event: output", "id: o2.e0", "data: a", "data: b", ""]
        assert list(parse_events(lines)) == [("output", "o2.e0", "a\nb")]


class TestResume:
    """A dropped stream is opened again from the last event's cursor: no gap, no repeat."""

    def test_resumes_with_last_event_id(self, dropping: str):
        """The second request carries Last-Event-ID; each event is delivered once."""
        stream = OutputStream(ApiClient(dropping), "R1", sleep=lambda _: None)
        got = [(name, data.get("text")) for name, data in stream]
        assert got == [("output", "ab\n"), ("output", "err\n"), ("end", None)]
        assert DroppingServer.seen == [None, "o3.e0"]
        assert stream.ended


class TestPrinter:
    """stdout and stderr go to their own sinks; a step's lines start with its name."""

    def test_prefixes_every_line_of_a_step_across_chunks(self):
        """A line split over two chunks gets one prefix; a line left open is closed at the end."""
        out, err = io.StringIO(), io.StringIO()
        printer = Printer(out, err)
        printer.write({"stream": "stdout", "step": "a", "text": "one\ntw"})
        printer.write({"stream": "stdout", "step": "a", "text": "o\nthree"})
        printer.write({"stream": "stderr", "step": "b", "text": "bad\n"})
        printer.close_lines()
        assert out.getvalue() == "[a] one\n[a] two\n[a] three\n"
        assert err.getvalue() == "[b] bad\n"

    def test_job_text_is_unchanged(self):
        """Without a step, the text is written as it came."""
        out = io.StringIO()
        Printer(out, io.StringIO()).write({"stream": "stdout", "text": "x\ny"})
        assert out.getvalue() == "x\ny"


class TestFinalLine:
    """The last line of `--wait`: state, ID, duration, and why it failed."""

    def test_success_and_failure(self):
        """A success reads `succeeded R… in …`; a failure adds its exit code."""
        ok = {"id": "R1", "state": "succeeded", "duration": 3.2, "exit_code": 0}
        assert final_line(ok) == "succeeded R1 in 3.20s"
        bad = {"id": "R2", "state": "failed", "duration": 0.1, "exit_code": 3}
        assert final_line(bad).endswith(", exit code 3")

    def test_still_running(self):
        """A run that outlived the wait is named with its state alone."""
        assert final_line({"id": "R", "state": "running"}) == "running R"
