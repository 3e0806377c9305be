"""The edge's guard on input text: nothing the store cannot write gets past the gateway.

Lone surrogates (a JSON `"\\ud800"` escape, a header byte that is not UTF-8) pass Python's
parsers but fail when the store encodes them, which once took the Storage actor down. So the
request target, the header values and every string of a JSON or YAML body must be valid UTF-8,
bodies are at most `MAX_DEPTH` levels deep, and their integers fit in 64 bits. Each refusal is a
400 `invalid_json` in the error envelope, before any handler, audit entry or store sees the text.
"""

from __future__ import annotations

import json
import math
from typing import Any
from urllib.parse import unquote_to_bytes

from aiohttp import web

from orchestrator.errors import InvalidJson

MAX_DEPTH = 64
INT_MIN, INT_MAX = -(2**63), 2**64 - 1
# Longer digit strings cannot fit in 64 bits; checking the length first also keeps Python's
# int-string conversion limit (4300 digits, a ValueError) out of reach.
MAX_INT_DIGITS = 20


def parse_json(raw: bytes) -> Any:
    """Decode a JSON body, or raise InvalidJson saying what is wrong with it."""
    try:
        data = json.loads(raw, parse_int=_parse_int, parse_constant=_no_constant)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InvalidJson(f"The body is not valid JSON: {err}.") from None
    except RecursionError:
        raise _too_deep() from None
    check_data(data)
    return data


def check_data(data: Any) -> None:
    """Refuse decoded data (JSON or YAML) holding text that is not UTF-8, nesting deeper than
    MAX_DEPTH, integers beyond 64 bits or non-finite numbers."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise _too_deep()
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str):
                    _check_text(key, "a key of the body")
                stack.append((item, depth + 1))
        elif isinstance(value, str):
            _check_text(value, "a string of the body")
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, int) and not INT_MIN <= value <= INT_MAX:
            raise InvalidJson("The body holds an integer that does not fit in 64 bits.")
        elif isinstance(value, float) and not math.isfinite(value):
            raise InvalidJson("The body holds a number that is not finite.")


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise InvalidJson("The body holds an integer that does not fit in 64 bits.")
    return int(text)


def _no_constant(text: str) -> float:
    raise InvalidJson(f"The body holds {text}, which JSON does not allow.")


def _too_deep() -> InvalidJson:
    return InvalidJson(
        f"The body is nested more than {MAX_DEPTH} levels deep.", {"max_depth": MAX_DEPTH}
    )


def _check_text(text: str, where: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidJson(
            f"The request holds text that is not valid UTF-8 in {where}.", {"where": where}
        ) from None


def check_request_text(request: web.Request) -> None:
    """Refuse a request whose target (path and query, percent-decoded) or header values are not
    valid UTF-8. aiohttp keeps undecodable bytes as lone surrogates or as raw escapes."""
    raw_path = request.raw_path
    # The usual request is plain ASCII throughout, which is valid UTF-8: one check per part.
    if (
        raw_path.isascii()
        and "%" not in raw_path
        and all(name.isascii() and value.isascii() for name, value in request.raw_headers)
    ):
        return
    try:
        unquote_to_bytes(raw_path).decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidJson(
            "The request's path or query is not valid UTF-8 once percent-decoded.",
            {"where": "target"},
        ) from None
    for name, value in request.headers.items():
        _check_text(name, "a header name")
        _check_text(value, f"the header {name.encode('ascii', 'replace').decode()}")
