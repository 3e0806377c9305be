"""The REST life cycle shared by jobs and pipelines: create, list, get, replace, patch, delete,
copy and run. Each resource module builds its route table from here with its own path."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pykka
from aiohttp import web

from actors import messages as m
from orchestrator.errors import Unavailable
from orchestrator.gateway.bridge import ask
from orchestrator.gateway.http import (
    check_limit,
    query_bool,
    query_choice,
    query_float,
    read_json,
    reply,
    services,
    user_of,
)
from orchestrator.gateway.routing import READER, WRITER, Api
from orchestrator.gateway.start_wait import start_and_wait
from orchestrator.models.fields import Checker, now
from orchestrator.models.run import TERMINAL, RunState, public_run, validate_run_request

OWNER_STATES = {state.value for state in RunState} | {"never_run"}
Changed = Callable[[web.Request, str], Awaitable[None]]


def definition_routes(
    kind: str,
    base: str,
    *,
    runnable: bool = True,
    changed: Changed | None = None,
    reader: str = READER,
    writer: str = WRITER,
    refers: bool = False,
    force: bool = True,
) -> Api:
    """The routes of one kind of definition under `base`, declared for the authorization table
    and the document; `changed(request, id)` runs after every change (schedules use it to
    re-arm). `refers`: the definition names others (a 422 when one is unknown); `force`: delete
    may be refused (409) unless forced."""
    name = kind.capitalize()
    api = Api(f"{kind}s")
    item = base + "/{id}"
    unknown = (422,) if refers else ()
    create, write = (400, 409, 413, *unknown), (400, 404, 409, 413, *unknown)

    async def storage(request: web.Request, message: object) -> object:
        return await ask(services(request).storage, message)

    async def saved(request: web.Request, record: dict, status: int = 200) -> web.Response:
        if changed is not None:
            await changed(request, record["id"])
            record = await storage(request, m.Get(kind, record["id"]))
        return reply(record, status=status)

    @api.post(
        base,
        role=writer,
        action=f"{kind}.create",
        op=f"create{name}",
        summary=f"Create a {kind}",
        errors=create,
    )
    async def create(request: web.Request) -> web.Response:
        body = await read_json(request)
        return await saved(
            request, await storage(request, m.Create(kind, body, user_of(request))), 201
        )

    @api.get(base, role=reader, op=f"list{name}s", summary=f"List {kind}s", errors=(400,))
    async def list_all(request: web.Request) -> web.Response:
        q = request.query
        limit = check_limit(q.get("limit"))
        query_choice(request, "state", OWNER_STATES)
        message = m.ListDefinitions(
            kind, q.get("tag"), q.get("state"), q.get("q"), limit, q.get("cursor")
        )
        return reply(await storage(request, message))

    @api.get(item, role=reader, op=f"get{name}", summary=f"Get a {kind}", errors=(404,))
    async def get_one(request: web.Request) -> web.Response:
        return reply(await storage(request, m.Get(kind, request.match_info["id"])))

    async def update(request: web.Request, partial: bool) -> web.Response:
        body = await read_json(request)
        message = m.Update(kind, request.match_info["id"], body, partial, user_of(request))
        return await saved(request, await storage(request, message))

    @api.put(
        item,
        role=writer,
        action=f"{kind}.replace",
        op=f"replace{name}",
        summary=f"Replace a {kind}",
        errors=write,
    )
    async def replace(request: web.Request) -> web.Response:
        return await update(request, partial=False)

    @api.patch(
        item,
        role=writer,
        action=f"{kind}.update",
        op=f"patch{name}",
        summary=f"Change some fields of a {kind}",
        errors=write,
    )
    async def patch(request: web.Request) -> web.Response:
        return await update(request, partial=True)

    @api.delete(
        item,
        role=writer,
        action=f"{kind}.delete",
        op=f"delete{name}",
        summary=f"Delete a {kind}",
        errors=(404, 409) if force else (404,),
    )
    async def delete(request: web.Request) -> web.Response:
        force = query_bool(request, "force")
        record = await storage(request, m.Get(kind, request.match_info["id"]))
        await storage(request, m.Delete(kind, record["id"], force))
        if changed is not None:
            await changed(request, record["id"])
        return web.Response(status=204)

    @api.post(
        item + "/copy",
        role=writer,
        action=f"{kind}.copy",
        op=f"copy{name}",
        summary=f"Copy a {kind}",
        errors=(400, 404, 409, 413),
    )
    async def copy(request: web.Request) -> web.Response:
        body = await read_json(request, optional=True)
        name = None
        if body is not None:
            check = Checker(body, {"name"})
            name = check.string("name", min_len=1, max_len=100) if "name" in body else None
            check.done()
        message = m.Copy(kind, request.match_info["id"], name, user_of(request))
        return await saved(request, await storage(request, message), 201)

    if runnable:
        api.post(
            item + "/run",
            role=writer,
            action=f"{kind}.run",
            op=f"run{name}",
            summary=f"Run a {kind}",
            errors=(400, 404, 409, 413, 503),
        )(run_route(kind))
    return api


def run_route(kind: str) -> Callable[[web.Request], Awaitable[web.Response]]:
    """`POST .../{id}/run`: now, at a time (`at`), or now and wait for the end (`wait=true`)."""

    async def run(request: web.Request) -> web.Response:
        wanted = validate_run_request(await read_json(request, optional=True))
        wait = query_bool(request, "wait")
        timeout = query_float(request, "timeout", default=60.0, maximum=86400.0)
        trigger = {"type": "api", "by": user_of(request)}
        message = m.CreateRun(
            kind,
            request.match_info["id"],
            trigger,
            wanted["at"],
            wanted["env"],
            secret_env=wanted["secret_env"],
        )
        return await start_run(request, message, wait, timeout)

    return run


async def start_run(
    request: web.Request, message: m.CreateRun, wait: bool, timeout: float
) -> web.Response:
    """Ask the Supervisor for the run (answered once Storage committed it), answer it or its
    end."""
    svc = services(request)
    # A run planned for later does not wait in the queue until it is due: no place is held.
    reserved = svc.backlog is not None and (message.at is None or message.at <= now())

    def unanswered() -> None:
        if reserved:
            svc.backlog.settle()

    request_run = m.RequestRun(message, reserved)
    if reserved:
        svc.backlog.reserve()  # 429 past execution.max_queued_runs
    try:
        if wait:
            waiters, supervisor = svc.waiters, svc.supervisor
            run = await start_and_wait(waiters, supervisor, request_run, timeout, unanswered)
        else:
            try:
                run = await ask(svc.supervisor, request_run)
            except BaseException:
                unanswered()
                raise
    except pykka.ActorDeadError:
        raise Unavailable("The server is stopping; the run will be interrupted.") from None
    return reply(public_run(run), status=200 if wait and run["state"] in TERMINAL else 202)
