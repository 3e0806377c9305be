"""REST resource: health, version, the runtime log level, and the logs (list and live stream)."""

from __future__ import annotations

import asyncio
import json

from aiohttp import web

from orchestrator import VERSION_DISPLAY, __version__
from orchestrator.errors import ValidationError
from orchestrator.gateway.http import check_limit, query_choice, read_json, reply, services
from orchestrator.gateway.keys import STREAMS
from orchestrator.gateway.routing import ADMIN, OPEN, READER, Api
from orchestrator.log import get_logger
from orchestrator.models.fields import Checker, parse_time

api = Api("system")
routes = api.routes
log = get_logger("orchestrator.gateway")
LEVELS = {"debug", "info", "warning", "error"}
_RANK = {"debug": 10, "info": 20, "warning": 30, "error": 40, "critical": 50}
HEARTBEAT = 15.0


@api.get("/health", role=OPEN, op="health", summary="Is the server up?")
async def health(request: web.Request) -> web.Response:
    store = services(request).store_health
    problem = store.problem() if store is not None else None
    if problem is not None:  # the store cannot be written: say so, and why
        return reply({"error": problem}, status=503)
    return reply({"status": "ok"})


@api.get("/version", role=OPEN, op="version", summary="Server version")
async def version(request: web.Request) -> web.Response:
    return reply({"version": __version__, "display": VERSION_DISPLAY})


@api.get("/system/log-level", role=READER, op="getLogLevel", summary="Get the log level")
async def get_log_level(request: web.Request) -> web.Response:
    return reply({"level": services(request).logs.get_level()})


@api.put(
    "/system/log-level",
    role=ADMIN,
    action="system.log_level",
    op="setLogLevel",
    summary="Set the log level",
    errors=(400, 413),
)
async def set_log_level(request: web.Request) -> web.Response:
    check = Checker(await read_json(request), {"level"})
    level = check.string("level", min_len=1, max_len=20)
    if level is not None and level.lower() not in LEVELS:
        check.fail("level", "must be one of debug, info, warning, error")
    check.done()
    services(request).logs.set_level(level.lower())
    log.info("log level changed", level=level.lower(), by=request["principal"]["username"])
    return reply({"level": services(request).logs.get_level()})


@api.get("/logs", role=READER, op="listLogs", summary="Recent log records", errors=(400,))
async def list_logs(request: web.Request) -> web.Response:
    level = query_choice(request, "level", LEVELS)
    since_text = request.query.get("since")
    since = parse_time(since_text) if since_text else None
    if since_text and since is None:
        raise ValidationError({"since": "must be an ISO 8601 date and time"})
    limit = check_limit(request.query.get("limit"), maximum=10000)
    items = services(request).logs.buffer.query(level, since, request.query.get("q"), limit)
    return reply({"items": items, "total": len(items), "next_cursor": None})


@api.get("/logs/stream", role=READER, op="streamLogs", summary="Live log stream", errors=(400,))
async def stream_logs(request: web.Request) -> web.StreamResponse:
    """Server-Sent Events: one `data:` line of JSON per record at or above `level`."""
    minimum = _RANK[query_choice(request, "level", LEVELS) or "debug"]
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[dict] = asyncio.Queue(maxsize=10000)

    def on_record(record: dict) -> None:
        if _RANK.get(record["level"], 0) >= minimum:
            loop.call_soon_threadsafe(_offer, queue, record)

    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
    )
    await response.prepare(request)
    unsubscribe = services(request).logs.buffer.subscribe(on_record)
    streams = request.app[STREAMS]
    streams.add(asyncio.current_task())
    try:
        await response.write(b": connected\n\n")
        while True:
            try:
                record = await asyncio.wait_for(queue.get(), HEARTBEAT)
            except TimeoutError:
                await response.write(b": heartbeat\n\n")
                continue
            payload = json.dumps(record, ensure_ascii=False, default=str)
            await response.write(f"id: {record['seq']}\ndata: {payload}\n\n".encode())
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    finally:
        unsubscribe()
        streams.discard(asyncio.current_task())
    return response


async def end_streams(app: web.Application) -> None:
    """On shutdown: end the live log streams, which would otherwise hold the server up."""
    for task in list(app[STREAMS]):
        task.cancel()


def _offer(queue: asyncio.Queue, record: dict) -> None:
    if not queue.full():
        queue.put_nowait(record)
