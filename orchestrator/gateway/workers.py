"""REST resource: the workers attempts run on (`GET /system/workers`), as the executor sees them.

The executor is asked on a worker thread: a Dask executor talks to its scheduler, which may be
slow or gone, and the event loop must not wait for it.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from orchestrator.execution.model import local_workers
from orchestrator.gateway.http import reply, services
from orchestrator.gateway.routing import READER, Api

api = Api("system")
routes = api.routes


@api.get("/system/workers", role=READER, op="listWorkers", summary="Workers and executor")
async def list_workers(request: web.Request) -> web.Response:
    """The executor in use and, for a cluster, its workers with resources, runs and memory."""
    executor = services(request).executor
    if executor is None:  # a gateway made without one (tests of the routes alone)
        return reply(local_workers())
    loop = asyncio.get_running_loop()
    return reply(await loop.run_in_executor(None, executor.workers))
