"""REST resource: follow a run's output as Server-Sent Events (`/runs/{id}/output/stream`).

Each `output` event carries one piece of one stream and, as its id, the cursor after it
(`o<stdout offset>.e<stderr offset>`), so a client that reconnects with `Last-Event-ID` gets
the rest with no gap and no repeat. While the run is written, the stream wakes on its live
buffer (one loop callback per burst of writes, never an actor message per chunk); before and
after, on the run's own updates. Once the run has ended and all was sent: `end`, and close.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime

from aiohttp import web

from actors import messages as m
from orchestrator import ids
from orchestrator.errors import NotFound, ValidationError
from orchestrator.execution.live import STREAMS, RunOutput
from orchestrator.gateway.bridge import ask
from orchestrator.gateway.http import services
from orchestrator.gateway.keys import STREAMS as OPEN_STREAMS
from orchestrator.gateway.run_output import OutputSource, output_source
from orchestrator.log import get_logger

routes = web.RouteTableDef()
log = get_logger("orchestrator.gateway")
KEEP_ALIVE = 15.0
PIECE = 65536  # bytes of one stream per event at most
RECHECK = 1.0  # seconds between looks at a run that is not being written (queued, ending)
CURSOR = re.compile(r"^o(\d{1,18})\.e(\d{1,18})$")


def parse_cursor(text: str | None) -> dict[str, int]:
    """Offsets to resume from, from `Last-Event-ID` (`o1024.e0`); the start without one."""
    if not text:
        return dict.fromkeys(STREAMS, 0)
    found = CURSOR.match(text.strip())
    if found is None:
        raise ValidationError({"last_event_id": "must look like o<bytes>.e<bytes>, e.g. o1024.e0"})
    return {"stdout": int(found[1]), "stderr": int(found[2])}


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


def _event(cursor: dict[str, int], stream: str, text: str, when: float | None) -> bytes:
    stamp = datetime.fromtimestamp(when, UTC) if when is not None else datetime.now(UTC)
    data = {"stream": stream, "text": text, "time": stamp.isoformat().replace("+00:00", "Z")}
    payload = json.dumps(data, ensure_ascii=False)
    event_id = f"o{cursor['stdout']}.e{cursor['stderr']}"
    return f"event: output\nid: {event_id}\ndata: {payload}\n\n".encode()


def _end(run_id: str, run: dict) -> bytes:
    end = {"state": str(run["state"]), "exit_code": run.get("exit_code"), "run_id": run_id}
    return f"event: end\ndata: {json.dumps(end)}\n\n".encode()


async def _send_new(
    response: web.StreamResponse, source: OutputSource, cursor: dict[str, int]
) -> None:
    """Send what each stream holds past the cursor, piece by piece, moving the cursor."""
    for stream in STREAMS:
        while True:
            data, after = source.read(stream, cursor[stream], PIECE)
            if after == cursor[stream]:
                break
            cursor[stream] = after
            when = source.live.time_at(stream, after) if source.live is not None else None
            text = data.decode("utf-8", errors="replace")
            await response.write(_event(cursor, stream, text, when))


@routes.get("/runs/{id}/output/stream")
async def stream_output(request: web.Request) -> web.StreamResponse:
    """Replay from the start (or `Last-Event-ID`), follow until the run ends, then `end`."""
    svc = services(request)
    ref = request.match_info["id"]
    run_id = ids.as_id(ref, "R")
    if run_id is None:
        raise NotFound(f"No run has the ID '{ref}'.")
    await ask(svc.storage, m.GetRun(run_id))  # 404 before the stream starts
    resume = request.headers.get("Last-Event-ID") or request.query.get("last_event_id")
    cursor = parse_cursor(resume)
    wake = Wakeup(asyncio.get_running_loop())
    unsubscribe_run = svc.hub.subscribe(lambda run: run["id"] == run_id and wake())
    unsubscribe_live: Callable[[], None] | None = None
    followed: RunOutput | None = None
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
    )
    tasks = request.app[OPEN_STREAMS]
    tasks.add(asyncio.current_task())
    try:
        await response.prepare(request)
        await response.write(b": connected\n\n")
        quiet_since = asyncio.get_running_loop().time()
        while True:
            live = svc.live.get(run_id) if svc.live is not None else None
            if live is not None and not live.complete:
                if live is not followed:
                    if unsubscribe_live is not None:
                        unsubscribe_live()
                    followed, unsubscribe_live = live, live.subscribe(wake)
                source = OutputSource(live, None, {"state": "running"})  # no actor asked
            else:
                source = await output_source(request, run_id)
            await _send_new(response, source, cursor)
            if source.complete:
                await response.write(_end(run_id, source.run))
                break
            now = asyncio.get_running_loop().time()
            if now - quiet_since >= KEEP_ALIVE:
                await response.write(b": keep-alive\n\n")
                quiet_since = now
            following = followed is not None and not followed.complete
            await wake.wait(KEEP_ALIVE if following else RECHECK)
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    finally:
        unsubscribe_run()
        if unsubscribe_live is not None:
            unsubscribe_live()
        tasks.discard(asyncio.current_task())
    return response
