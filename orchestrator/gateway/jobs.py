"""REST resource: jobs (`/jobs`), from creation to running one."""

from __future__ import annotations

from aiohttp import web

from actors import messages as m
from orchestrator.gateway.bridge import ask
from orchestrator.gateway.http import query_bool, query_float, read_json, reply, services, user_of
from orchestrator.gateway.waiting import wait_for_run
from orchestrator.models.fields import Checker
from orchestrator.models.job import JobDefaults, validate_job
from orchestrator.models.run import public_run, validate_run_request
from orchestrator.store.store import check_limit

routes = web.RouteTableDef()


def job_defaults(request: web.Request) -> JobDefaults:
    jobs = services(request).config.jobs
    return JobDefaults(jobs.default_timeout, jobs.default_max_attempts, jobs.default_retry_delay)


@routes.post("/jobs")
async def create_job(request: web.Request) -> web.Response:
    body = await read_json(request)
    validate_job(body, job_defaults(request))  # fail fast before bothering an actor
    job = await ask(services(request).storage, m.CreateJob(body, user_of(request)))
    return reply(job, status=201)


@routes.get("/jobs")
async def list_jobs(request: web.Request) -> web.Response:
    q = request.query
    message = m.ListJobs(
        tag=q.get("tag"),
        state=q.get("state"),
        q=q.get("q"),
        limit=check_limit(q.get("limit")),
        cursor=q.get("cursor"),
    )
    return reply(await ask(services(request).storage, message))


@routes.get("/jobs/{id}")
async def get_job(request: web.Request) -> web.Response:
    return reply(await ask(services(request).storage, m.GetJob(request.match_info["id"])))


@routes.put("/jobs/{id}")
async def replace_job(request: web.Request) -> web.Response:
    return await _update(request, partial=False)


@routes.patch("/jobs/{id}")
async def patch_job(request: web.Request) -> web.Response:
    return await _update(request, partial=True)


async def _update(request: web.Request, partial: bool) -> web.Response:
    body = await read_json(request)
    message = m.UpdateJob(request.match_info["id"], body, partial, user_of(request))
    return reply(await ask(services(request).storage, message))


@routes.delete("/jobs/{id}")
async def delete_job(request: web.Request) -> web.Response:
    force = query_bool(request, "force")
    await ask(services(request).storage, m.DeleteJob(request.match_info["id"], force))
    return web.Response(status=204)


@routes.post("/jobs/{id}/copy")
async def copy_job(request: web.Request) -> web.Response:
    body = await read_json(request, optional=True)
    name = None
    if body is not None:
        check = Checker(body, {"name"})
        name = check.string("name", min_len=1, max_len=100) if "name" in body else None
        check.done()
    message = m.CopyJob(request.match_info["id"], name, user_of(request))
    return reply(await ask(services(request).storage, message), status=201)


@routes.post("/jobs/{id}/run")
async def run_job(request: web.Request) -> web.Response:
    wanted = validate_run_request(await read_json(request, optional=True))
    wait = query_bool(request, "wait")
    timeout = query_float(request, "timeout", default=60.0, maximum=86400.0)
    trigger = {"type": "api", "by": user_of(request)}
    svc = services(request)
    message = m.RunJob(request.match_info["id"], trigger, wanted["at"], wanted["env"])
    if not wait:
        return reply(public_run(await ask(svc.supervisor, message)), status=202)
    run = await wait_for_run(svc, lambda: ask(svc.supervisor, message), timeout)
    return reply(public_run(run), status=200 if run["state"] in _DONE else 202)


_DONE = {"succeeded", "failed", "timed_out", "cancelled", "interrupted", "skipped"}
