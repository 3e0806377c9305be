"""Connection hygiene: a cap on open connections and a deadline for each request's headers.

Idle or slow clients must not use up the server's file descriptors: aiohttp's own keep-alive
timer only closes a connection after `keepalive_timeout` (an hour by default), and it has no
deadline for headers that arrive a byte at a time. Here each connection gets `header_timeout`
seconds from its first byte (or from being accepted) to deliver a complete request head, idle
keep-alive connections close after `keepalive_timeout`, and beyond `max_connections` a new
connection is answered 503 in the error envelope and closed at once, while the connections
already open keep being served. A handler that is answering (a live log stream) is never cut by
either timer: aiohttp closes only connections that wait for a request.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

from orchestrator.gateway.wire_errors import EnvelopeRequestHandler
from orchestrator.log import get_logger

log = get_logger("orchestrator.gateway")
# Descriptors kept free for the store, the log files and the pipes of running jobs.
RESERVED_FILES = 128
WARN_EVERY = 60.0  # seconds: one warning per burst of refusals, not one per connection


def _refusal() -> bytes:
    body = json.dumps(
        {
            "error": {
                "code": "service_unavailable",
                "message": "The server has too many open connections; try again shortly.",
                "details": {},
            }
        }
    ).encode()
    head = (
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


REFUSAL = _refusal()


def raise_open_files_limit() -> int | None:
    """Raise this process's soft limit on open files to its hard limit (POSIX); the new soft
    limit, or None where there is no such limit (Windows)."""
    if sys.platform == "win32":
        return None
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft != hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (OSError, ValueError):
            log.debug("cannot raise the open-files limit", soft=soft, hard=hard)
    return None if soft == resource.RLIM_INFINITY else soft


class Gate:
    """Counts open connections and says whether one more may be served."""

    def __init__(self, limit: int, header_timeout: float) -> None:
        self.limit = limit
        self.header_timeout = header_timeout
        self.open = 0
        self.refused = 0
        self.warned_at: float | None = None

    def admit(self, now: float | None = None) -> bool:
        if self.open < self.limit:
            self.open += 1
            return True
        self.refused += 1
        now = time.monotonic() if now is None else now
        if self.warned_at is None or now - self.warned_at >= WARN_EVERY:
            log.warning(
                "connection limit reached; refusing new connections with 503",
                limit=self.limit,
                refused=self.refused,
            )
            self.warned_at, self.refused = now, 0
        return False

    def release(self) -> None:
        self.open -= 1


class GatedHandler(EnvelopeRequestHandler):
    """aiohttp's connection handler, behind the gate and with a deadline for request heads."""

    __slots__ = ("_gate", "_admitted", "_head_timer", "_heads_seen")

    def __init__(self, manager: web.Server, gate: Gate, **kwargs: Any) -> None:
        super().__init__(manager, **kwargs)
        self._gate = gate
        self._admitted = False
        self._head_timer: asyncio.TimerHandle | None = None
        self._heads_seen = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if not self._gate.admit():
            transport.write(REFUSAL)  # type: ignore[attr-defined]
            transport.close()
            return
        self._admitted = True
        super().connection_made(transport)
        self._start_head_timer()

    def data_received(self, data: bytes) -> None:
        if not self._admitted:
            return
        # The first bytes of a request on an idle keep-alive connection start its deadline.
        if self._head_timer is None and self._current_request is None:
            self._start_head_timer()
        super().data_received(data)
        if self._request_count != self._heads_seen:  # a complete request head arrived
            self._heads_seen = self._request_count
            self._stop_head_timer()

    def connection_lost(self, exc: BaseException | None) -> None:
        if not self._admitted:
            return
        self._admitted = False
        self._stop_head_timer()
        self._gate.release()
        super().connection_lost(exc)

    def _start_head_timer(self) -> None:
        self._head_timer = self._loop.call_later(self._gate.header_timeout, self._head_late)

    def _stop_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_late(self) -> None:
        self._head_timer = None
        if self._current_request is None and self._request_count == self._heads_seen:
            log.debug("closing a connection that sent no request head in time", peer=self.peername)
            self.force_close()


class GatedServer(web.Server):
    """aiohttp's protocol factory, making gated handlers."""

    gate: Gate

    def __call__(self) -> RequestHandler:
        return GatedHandler(self, self.gate, loop=self._loop, **self._kwargs)


class GatedRunner(web.AppRunner):
    """An AppRunner whose connections pass through `gate`."""

    def __init__(self, app: web.Application, gate: Gate, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self._gate = gate

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()
        # aiohttp builds its Server itself; only the class that makes handlers changes.
        server.__class__ = GatedServer
        server.gate = self._gate  # type: ignore[attr-defined]
        return server


def make_runner(app: web.Application, server_config: Any) -> GatedRunner:
    """The runner `serve.py` starts: the open-files limit raised, the connection cap set below
    it, idle keep-alive connections closed after `keepalive_timeout`."""
    files = raise_open_files_limit()
    limit = server_config.max_connections
    if files is not None and limit > files - RESERVED_FILES:
        limit = max(1, files - RESERVED_FILES)
        log.warning(
            "server.max_connections lowered to fit the open-files limit",
            configured=server_config.max_connections,
            used=limit,
            open_files=files,
        )
    log.info(
        "connection limits",
        max_connections=limit,
        open_files=files,
        header_timeout=server_config.header_timeout,
        keepalive_timeout=server_config.keepalive_timeout,
    )
    gate = Gate(limit, server_config.header_timeout)
    return GatedRunner(
        app,
        gate,
        access_log=None,
        handle_signals=False,
        keepalive_timeout=server_config.keepalive_timeout,
    )
