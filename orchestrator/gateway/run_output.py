"""REST resource: a run's output, read during the run (from its live buffers) or after it.

The live buffers are read directly (`execution.live.LiveOutputs`), without asking an actor;
once the run has ended, its stored output is read through the Storage actor.
"""

from __future__ import annotations

from aiohttp import web

from actors import messages as m
from orchestrator import ids
from orchestrator.errors import NotFound, ValidationError
from orchestrator.execution.live import STREAMS, RunOutput
from orchestrator.execution.stream_buffer import StreamBuffer, whole_characters
from orchestrator.gateway.bridge import ask
from orchestrator.gateway.http import query_choice, reply, services
from orchestrator.models.run import TERMINAL

routes = web.RouteTableDef()


class OutputSource:
    """Both streams of a run as they are now, readable by offset: live or stored."""

    def __init__(self, live: RunOutput | None, stored: dict | None, run: dict) -> None:
        self.live = live
        self.run = run
        self.complete = live is None and run["state"] in TERMINAL
        self.buffers: dict[str, StreamBuffer] = {}
        if stored is not None:
            layout = stored.get("layout") or {}
            dropped = stored.get("dropped") or {}
            for name in STREAMS:
                head = (layout.get(name) or [0, 0])[0]
                self.buffers[name] = StreamBuffer.stored(
                    stored.get(name, ""), head, dropped.get(name, 0)
                )

    def read(self, stream: str, offset: int, limit: int | None = None) -> tuple[bytes, int]:
        """Bytes from `offset` and the offset after them; while live, only whole characters."""
        if self.live is not None:
            data, end = self.live.read(stream, offset, limit)
            cut = whole_characters(data)
            return data[:cut], end - (len(data) - cut)
        return self.buffers[stream].read(offset, limit)

    def dropped(self) -> dict[str, int]:
        if self.live is not None:
            with self.live.lock:
                return {name: self.live.streams[name].dropped for name in STREAMS}
        return {name: self.buffers[name].dropped for name in STREAMS}


async def output_source(request: web.Request, ref: str) -> OutputSource:
    """The run's output as it is now: its live buffers while it runs, else what is stored."""
    svc = services(request)
    run_id = ids.as_id(ref, "R")
    if run_id is None:
        raise NotFound(f"No run has the ID '{ref}'.")
    live = svc.live.get(run_id) if svc.live is not None else None
    if live is not None and not live.complete:
        return OutputSource(live, None, await ask(svc.storage, m.GetRun(run_id)))
    # Output before the run: the run is saved with its output, so it is at least as new.
    stored = await ask(svc.storage, m.GetOutput(run_id))
    return OutputSource(None, stored, await ask(svc.storage, m.GetRun(run_id)))


def query_offset(request: web.Request) -> int:
    text = request.query.get("offset", "0")
    if not text.isdigit() or len(text) > 18:
        raise ValidationError({"offset": "must be a whole number of bytes, 0 or more"})
    return int(text)


@routes.get("/runs/{id}/output")
async def get_output(request: web.Request) -> web.Response:
    """What was written so far (`complete` once the run has ended), or one stream from an
    offset with `?stream=`."""
    stream = query_choice(request, "stream", set(STREAMS))
    offset = query_offset(request)
    if "offset" in request.query and stream is None:
        raise ValidationError({"stream": "is required with offset (stdout or stderr)"})
    source = await output_source(request, request.match_info["id"])
    dropped = source.dropped()
    truncated = any(dropped.values())
    if stream is not None:
        data, after = source.read(stream, offset)
        return reply(
            {
                "stream": stream,
                "offset": offset,
                "text": data.decode("utf-8", errors="replace"),
                "next_offset": after,
                "complete": source.complete,
                "truncated": truncated,
            }
        )
    text = {name: source.read(name, 0)[0].decode("utf-8", errors="replace") for name in STREAMS}
    return reply({**text, "truncated": truncated, "complete": source.complete, "dropped": dropped})
