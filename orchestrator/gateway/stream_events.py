"""Pieces shared by the output streams of a run and of a pipeline run (Server-Sent Events):
waking the follower's task from the threads that write, the keep-alive pace, the events' text.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

KEEP_ALIVE = 15.0
PIECE = 65536  # bytes of one stream per event at most
RECHECK = 1.0  # seconds between looks at a run that is not being written (queued, ending)


class Wakeup:
    """Wakes the follower's task from any thread, at most one loop callback pending at once."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.event = asyncio.Event()
        self.pending = False

    def __call__(self, *_: object) -> None:
        if not self.pending:
            self.pending = True
            self.loop.call_soon_threadsafe(self._fire)

    def _fire(self) -> None:
        self.pending = False
        self.event.set()

    async def wait(self, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.event.wait(), timeout)
        self.event.clear()


class KeepAlive:
    """Sends `: keep-alive` when the stream was quiet for KEEP_ALIVE seconds."""

    def __init__(self, response: web.StreamResponse) -> None:
        self.response = response
        self.since = asyncio.get_running_loop().time()

    async def tick(self) -> None:
        now = asyncio.get_running_loop().time()
        if now - self.since >= KEEP_ALIVE:
            await self.response.write(b": keep-alive\n\n")
            self.since = now


def output_event(event_id: str, data: dict, when: float | None) -> bytes:
    """An `output` event: `data` (stream, text, ...) with the time the text was written."""
    stamp = datetime.fromtimestamp(when, UTC) if when is not None else datetime.now(UTC)
    data = {**data, "time": stamp.isoformat().replace("+00:00", "Z")}
    payload = json.dumps(data, ensure_ascii=False)
    return f"event: output\nid: {event_id}\ndata: {payload}\n\n".encode()


def end_event(run_id: str, run: dict) -> bytes:
    """The `end` event: the run's final state and exit code."""
    end = {"state": str(run["state"]), "exit_code": run.get("exit_code"), "run_id": run_id}
    return f"event: end\ndata: {json.dumps(end)}\n\n".encode()


async def send_pieces(
    response: web.StreamResponse,
    source: Any,
    cursor: dict[str, int],
    event_id: Callable[[], str],
    tags: dict[str, str] | None = None,
) -> None:
    """Send what each stream of `source` holds past `cursor`, piece by piece, moving the
    cursor; each event's id is `event_id()` after the move, its data tagged with `tags`."""
    for stream in ("stdout", "stderr"):
        while True:
            data, after = source.read(stream, cursor[stream], PIECE)
            if after == cursor[stream]:
                break
            cursor[stream] = after
            when = source.live.time_at(stream, after) if source.live is not None else None
            piece = {"stream": stream, "text": data.decode("utf-8", errors="replace")}
            await response.write(output_event(event_id(), {**piece, **(tags or {})}, when))
