"""HTTP access to the orchestrator API, and nothing else: no click, no printing.

It uses urllib from the standard library rather than aiohttp because a command-line client pays
its import time on every invocation. Every failure leaves as an `ApiError` carrying the fields of
the API's error envelope, so the command layer can turn it into one readable line.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

log = logging.getLogger("orchestrator.cli.http")

DEFAULT_TIMEOUT = 30.0


class ApiError(Exception):
    """The server answered with an error, or could not be reached (then `status` is 0)."""

    def __init__(
        self, status: int, code: str, message: str, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}


def path(*parts: object) -> str:
    """Join path segments, quoting each one: IDs may be names holding spaces or slashes."""
    return "/" + "/".join(urllib.parse.quote(str(part), safe="") for part in parts)


def _query(params: Mapping[str, Any] | None) -> str:
    if not params:
        return ""
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if item is None:
                continue
            text = ("true" if item else "false") if isinstance(item, bool) else str(item)
            pairs.append((key, text))
    return "?" + urllib.parse.urlencode(pairs) if pairs else ""


def _decode(payload: bytes, content_type: str) -> Any:
    if not payload:
        return None
    if content_type.endswith("json"):
        return json.loads(payload)
    return payload.decode("utf-8", errors="replace")


def _error_from(err: urllib.error.HTTPError) -> ApiError:
    """Build an ApiError from the envelope, or from the bare status if the body has none."""
    try:
        body = json.loads(err.read() or b"null")
    except (ValueError, OSError):
        body = None
    envelope = body.get("error") if isinstance(body, dict) else None
    if isinstance(envelope, dict) and envelope.get("message"):
        return ApiError(
            err.code,
            str(envelope.get("code") or "error"),
            str(envelope["message"]),
            envelope.get("details") if isinstance(envelope.get("details"), dict) else None,
        )
    return ApiError(err.code, "http_error", f"the server answered HTTP {err.code} {err.reason}")


class ApiClient:
    """One server URL and credential; each call is one HTTP request."""

    def __init__(self, base_url: str, api_key: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key

    def _open(
        self,
        method: str,
        route: str,
        body: Any,
        params: Mapping[str, Any] | None,
        timeout: float | None,
        accept: str = "application/json",
        extra: Mapping[str, str] | None = None,
    ):
        url = self.base_url + route + _query(params)
        headers = {"Accept": accept, "User-Agent": "orchestrator-cli", **(extra or {})}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            return urllib.request.urlopen(req, timeout=timeout)
        except urllib.error.HTTPError as err:
            raise _error_from(err) from None
        except urllib.error.URLError as err:
            raise self._unreachable(err.reason) from None
        except (OSError, ValueError) as err:
            # ValueError: a malformed server URL such as "localhost:8080" without a scheme.
            raise self._unreachable(err) from None

    def _unreachable(self, reason: object) -> ApiError:
        if isinstance(reason, TimeoutError):
            reason = "no answer in time"
        elif isinstance(reason, OSError) and reason.strerror:
            reason = reason.strerror
        return ApiError(0, "unreachable", f"cannot reach the server at {self.base_url}: {reason}")

    def request(
        self,
        method: str,
        route: str,
        *,
        body: Any = None,
        params: Mapping[str, Any] | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> Any:
        """Send one request and return the decoded answer (JSON, text, or None when empty)."""
        started = time.perf_counter()
        log.debug("request %s %s%s", method, route, _query(params))
        with self._open(method, route, body, params, timeout) as resp:
            try:
                payload = resp.read()
            except OSError as err:
                raise self._unreachable(err) from None
            status, ctype = resp.status, resp.headers.get_content_type()
        elapsed = (time.perf_counter() - started) * 1000
        level = logging.DEBUG if method == "GET" else logging.INFO
        log.log(level, "answer %s %s -> %s in %.0f ms", method, route, status, elapsed)
        try:
            return _decode(payload, ctype)
        except ValueError:
            raise ApiError(status, "bad_answer", "the server sent invalid JSON") from None

    def get(self, route: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.request("GET", route, params=params)

    def post(self, route: str, body: Any = None, **kwargs: Any) -> Any:
        return self.request("POST", route, body=body, **kwargs)

    def patch(self, route: str, body: Any) -> Any:
        return self.request("PATCH", route, body=body)

    def put(self, route: str, body: Any) -> Any:
        return self.request("PUT", route, body=body)

    def delete(self, route: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.request("DELETE", route, params=params)

    def download(self, route: str, sink: BinaryIO, timeout: float | None = None) -> int:
        """POST to `route` and copy the answer's bytes into `sink`; return how many."""
        started = time.perf_counter()
        total = 0
        with self._open("POST", route, None, None, timeout, accept="*/*") as resp:
            try:
                while chunk := resp.read(1 << 20):
                    sink.write(chunk)
                    total += len(chunk)
            except OSError as err:
                raise self._unreachable(err) from None
        elapsed = (time.perf_counter() - started) * 1000
        log.info("download POST %s -> %d bytes in %.0f ms", route, total, elapsed)
        return total

    def open_events(self, route: str, last_event_id: str | None, timeout: float | None) -> Any:
        """Open a Server-Sent Events stream, resuming after `last_event_id` when given; the
        caller reads the answer's lines (cli/live.py) and closes it."""
        log.debug("stream %s from %s", route, last_event_id or "the start")
        extra = {"Last-Event-ID": last_event_id} if last_event_id else None
        return self._open("GET", route, None, None, timeout, "text/event-stream", extra)

    def events(self, route: str, params: Mapping[str, Any] | None = None) -> Iterator[Any]:
        """Yield the decoded `data:` payload of each Server-Sent Event until the stream ends."""
        log.debug("stream %s%s", route, _query(params))
        with self._open("GET", route, None, params, None, accept="text/event-stream") as resp:
            data: list[str] = []
            for raw in resp:
                line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
                if line.startswith("data:"):
                    data.append(line[5:].removeprefix(" "))
                elif not line and data:
                    text = "\n".join(data)
                    data = []
                    try:
                        yield json.loads(text)
                    except ValueError:
                        yield text
