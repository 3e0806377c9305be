"""REST resource: runs, the execution history (`/runs`), cancel and retry (output:
`run_output` and `output_stream`)."""

from __future__ import annotations

from aiohttp import web

from actors import messages as m
from orchestrator.errors import Conflict
from orchestrator.gateway.bridge import ask
from orchestrator.gateway.definitions import start_run
from orchestrator.gateway.http import query_choice, query_time, reply, services
from orchestrator.gateway.waiting import wait_for_run
from orchestrator.models.run import TERMINAL, RunState, public_run
from orchestrator.store.store import check_limit

routes = web.RouteTableDef()
STATES = {state.value for state in RunState}
CANCEL_WAIT = 5.0


@routes.get("/runs")
async def list_runs(request: web.Request) -> web.Response:
    q = request.query
    message = m.ListRuns(
        owner=q.get("owner"),
        kind=query_choice(request, "kind", {"job", "pipeline"}),
        state=query_choice(request, "state", STATES),
        since=query_time(request, "since"),
        until=query_time(request, "until"),
        limit=check_limit(q.get("limit")),
        cursor=q.get("cursor"),
    )
    return reply(await ask(services(request).storage, message))


@routes.get("/runs/{id}")
async def get_run(request: web.Request) -> web.Response:
    run = await ask(services(request).storage, m.GetRun(request.match_info["id"]))
    return reply(public_run(run))


@routes.post("/runs/{id}/cancel")
async def cancel_run(request: web.Request) -> web.Response:
    """Cancel, then give a running process a moment to die so the answer shows the outcome."""
    svc = services(request)
    message = m.CancelRun(request.match_info["id"])
    run = await wait_for_run(request, lambda: ask(svc.supervisor, message), CANCEL_WAIT)
    return reply(public_run(run))


@routes.post("/runs/{id}/retry")
async def retry_run(request: web.Request) -> web.Response:
    """A new run of the same job or pipeline; a pipeline keeps the steps that succeeded."""
    old = await ask(services(request).storage, m.GetRun(request.match_info["id"]))
    if old["state"] not in TERMINAL:
        raise Conflict(f"Run {old['id']} is still {old['state']}; it cannot be retried.")
    trigger = {"type": "retry", "by": old["id"]}
    retry_of = old["id"] if old["kind"] == "pipeline" else None
    env = old.get("env", {})  # the retry runs with the same extra environment and secrets
    secrets = old.get("secret_env") or {}
    message = m.CreateRun(
        old["kind"], old["owner_id"], trigger, None, env, retry_of, secret_env=secrets
    )
    return await start_run(request, message, wait=False, timeout=0)
