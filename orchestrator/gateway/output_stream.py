"""REST resource: follow a run's output as Server-Sent Events (`/runs/{id}/output/stream`).

Each `output` event carries one piece of one stream and, as its id, the cursor after it
(`o<stdout offset>.e<stderr offset>`), so a client that reconnects with `Last-Event-ID` gets
the rest with no gap and no repeat. While the run is written, the stream wakes on its live
buffer (one loop callback per burst of writes, never an actor message per chunk); before and
after, on the run's own updates. Once the run has ended and all was sent: `end`, and close.
A pipeline run's stream carries every step's output (`gateway/pipeline_stream.py`).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable

from aiohttp import web

from actors import messages as m
from orchestrator import ids
from orchestrator.errors import NotFound, ValidationError
from orchestrator.execution.live import STREAMS, RunOutput
from orchestrator.gateway.bridge import ask
from orchestrator.gateway.http import services
from orchestrator.gateway.keys import STREAMS as OPEN_STREAMS
from orchestrator.gateway.pipeline_stream import follow_pipeline, parse_cursors
from orchestrator.gateway.routing import READER, Api
from orchestrator.gateway.run_output import OutputSource, output_source
from orchestrator.gateway.stream_events import (
    KEEP_ALIVE,
    RECHECK,
    KeepAlive,
    Wakeup,
    end_event,
    send_pieces,
)
from orchestrator.log import get_logger

api = Api("runs")
routes = api.routes
log = get_logger("orchestrator.gateway")
CURSOR = re.compile(r"^o(\d{1,18})\.e(\d{1,18})$")


def parse_cursor(text: str | None) -> dict[str, int]:
    """Offsets to resume from, from `Last-Event-ID` (`o1024.e0`); the start without one."""
    if not text:
        return dict.fromkeys(STREAMS, 0)
    found = CURSOR.match(text.strip())
    if found is None:
        raise ValidationError({"last_event_id": "must look like o<bytes>.e<bytes>, e.g. o1024.e0"})
    return {"stdout": int(found[1]), "stderr": int(found[2])}


async def _send_new(
    response: web.StreamResponse, source: OutputSource, cursor: dict[str, int]
) -> None:
    """Send what each stream holds past the cursor, piece by piece, moving the cursor."""
    await send_pieces(response, source, cursor, lambda: f"o{cursor['stdout']}.e{cursor['stderr']}")


async def _follow_job(
    request: web.Request, response: web.StreamResponse, run_id: str, cursor: dict[str, int]
) -> None:
    """Replay from `cursor`, follow the run's live buffer until the run ends, then `end`."""
    svc = services(request)
    wake = Wakeup(asyncio.get_running_loop())
    unsubscribe_live: Callable[[], None] | None = None
    followed: RunOutput | None = None
    keep_alive = KeepAlive(response)
    try:
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
                await response.write(end_event(run_id, source.run))
                return
            await keep_alive.tick()
            following = followed is not None and not followed.complete
            await wake.wait(KEEP_ALIVE if following else RECHECK)
    finally:
        if unsubscribe_live is not None:
            unsubscribe_live()


@api.get(
    "/runs/{id}/output/stream",
    role=READER,
    op="streamRunOutput",
    summary="Follow the output of a run",
    errors=(400, 404),
)
async def stream_output(request: web.Request) -> web.StreamResponse:
    """Replay from the start (or `Last-Event-ID`), follow until the run ends, then `end`."""
    svc = services(request)
    ref = request.match_info["id"]
    run_id = ids.as_id(ref, "R")
    if run_id is None:
        raise NotFound(f"No run has the ID '{ref}'.")
    run = await ask(svc.storage, m.GetRun(run_id))  # 404 before the stream starts
    resume = request.headers.get("Last-Event-ID") or request.query.get("last_event_id")
    pipeline = run.get("kind") == "pipeline"
    cursors = parse_cursors(resume) if pipeline else None
    cursor = None if pipeline else parse_cursor(resume)  # a bad one is a 400, before the stream
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
    )
    tasks = request.app[OPEN_STREAMS]
    tasks.add(asyncio.current_task())
    try:
        await response.prepare(request)
        await response.write(b": connected\n\n")
        if cursors is not None:
            await follow_pipeline(request, response, run, cursors)
        elif cursor is not None:
            await _follow_job(request, response, run_id, cursor)
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    finally:
        tasks.discard(asyncio.current_task())
    return response
