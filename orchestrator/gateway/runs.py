"""REST resource: runs, the execution history (`/runs`), cancel and retry (output:
`run_output` and `output_stream`)."""

from __future__ import annotations

from aiohttp import web

from actors import messages as m
from orchestrator.errors import Conflict
from orchestrator.gateway.bridge import ask
from orchestrator.gateway.definitions import start_run
from orchestrator.gateway.http import check_limit, query_choice, query_time, reply, services
from orchestrator.gateway.routing import READER, WRITER, Api
from orchestrator.gateway.waiting import wait_for_run
from orchestrator.models.run import TERMINAL, RunState, public_run

api = Api("runs")
routes = api.routes
STATES = {state.value for state in RunState}
CANCEL_WAIT = 5.0


@api.get("/runs", role=READER, op="listRuns", summary="List runs", errors=(400, 409))
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


@api.get("/runs/{id}", role=READER, op="getRun", summary="Get a run", errors=(404,))
async def get_run(request: web.Request) -> web.Response:
    run = await ask(services(request).storage, m.GetRun(request.match_info["id"]))
    return reply(public_run(run))


@api.post(
    "/runs/{id}/cancel",
    role=WRITER,
    action="run.cancel",
    op="cancelRun",
    summary="Cancel a run",
    errors=(404, 409),
)
async def cancel_run(request: web.Request) -> web.Response:
    """Cancel, then give a running process a moment to die so the answer shows the outcome."""
    svc = services(request)
    message = m.CancelRun(request.match_info["id"])
    run = await wait_for_run(request, lambda: ask(svc.supervisor, message), CANCEL_WAIT)
    return reply(public_run(run))


@api.post(
    "/runs/{id}/retry",
    role=WRITER,
    action="run.retry",
    op="retryRun",
    summary="Retry a run",
    errors=(404, 409, 503),
)
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
