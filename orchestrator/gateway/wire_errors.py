"""Errors found while reading the HTTP message itself, answered in the API's error envelope.

aiohttp's parser refuses a request line or header over 8190 bytes, or a malformed message,
before the application and its middlewares run, and answers in plain text.
`EnvelopeRequestHandler` (the base of the server's connection handler, see `connections.py`)
answers JSON instead: 414 `uri_too_long`, 431 `headers_too_large`, 400 `bad_request`, 500
`internal_error`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import BadHttpMessage, LineTooLong

# A too-long request line shows its target (C parser) or the method and target (pure Python).
_REQUEST_LINE = re.compile(rb"^(/|\*|https?:|[A-Z]+ )")


def describe(status: int, exc: BaseException | None) -> tuple[int, str, str]:
    """The (status, code, message) of the envelope for an error met while reading a message."""
    if isinstance(exc, LineTooLong):
        line = (
            bytes(exc.args[0]) if exc.args and isinstance(exc.args[0], bytes | bytearray) else b""
        )
        if _REQUEST_LINE.match(line):
            return 414, "uri_too_long", "The request line is longer than 8190 bytes."
        return 431, "headers_too_large", "A request header is longer than 8190 bytes."
    if isinstance(exc, BadHttpMessage) or 400 <= status < 500:
        return 400 if status >= 500 else status, "bad_request", "The HTTP request is malformed."
    return 500, "internal_error", "The server failed to handle the request."


class EnvelopeRequestHandler(web.RequestHandler):
    """aiohttp's connection handler, with error answers in the envelope."""

    def handle_error(
        self,
        request: Any,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        super().handle_error(request, status, exc, message)  # logs; raises if already answering
        status, code, text = describe(status, exc)
        body = {"error": {"code": code, "message": text, "details": {}}}
        response = web.Response(
            status=status, text=json.dumps(body), content_type="application/json"
        )
        response.force_close()
        return response
