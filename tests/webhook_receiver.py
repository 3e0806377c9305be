"""A real webhook receiver for the tests: an HTTP server on 127.0.0.1 (a free port) that records
every POST it gets and answers with scripted statuses, optionally after a delay.

Deliveries are checked the way a user's receiver would check them: the HMAC-SHA256 of the exact
body bytes prefixed by `X-Orchestrator-Timestamp` and a dot, computed here with the standard
library, against `X-Orchestrator-Signature`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Received:
    """One request as it arrived: headers (lower-case names), raw body, and when."""

    path: str
    headers: dict[str, str]
    body: bytes
    at: float

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body)

    def signed_with(self, secret: str) -> bool:
        """The documented check: HMAC-SHA256 of `<timestamp>.<body>`."""
        signed = self.headers.get("x-orchestrator-timestamp", "").encode() + b"." + self.body
        expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, self.headers.get("x-orchestrator-signature", ""))


class Receiver:
    """Answers the n-th request with `statuses[n]` (200 once the script runs out)."""

    def __init__(self, statuses: tuple[int, ...] = (), delay: float = 0.0) -> None:
        self.statuses = list(statuses)
        self.delay = delay
        self.received: list[Received] = []
        self._cond = threading.Condition()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        # A short poll interval lets close() return at once instead of after half a second.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/hook"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {name.lower(): value for name, value in self.headers.items()}
                with receiver._cond:
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    receiver.received.append(Received(self.path, headers, body, time.monotonic()))
                    receiver._cond.notify_all()
                if receiver.delay:
                    time.sleep(receiver.delay)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        return Handler

    def wait(self, count: int, timeout: float = 10.0) -> list[Received]:
        """The first `count` requests, once they came; fails the test when time runs out."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.received) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"got {len(self.received)} deliveries, expected {count}"
                self._cond.wait(left)
            return list(self.received[:count])

    def events(self, event: str) -> list[Received]:
        with self._cond:
            return [r for r in self.received if r.headers.get("x-orchestrator-event") == event]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Receiver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
