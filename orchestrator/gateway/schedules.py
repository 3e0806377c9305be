"""REST resource: schedules (`/schedules`): cron definitions, their targets, pause, resume and
trigger. Every change re-arms the schedule's actor before the answer is sent."""

from __future__ import annotations

from aiohttp import web

from actors import messages as m
from orchestrator.gateway.bridge import ask
from orchestrator.gateway.definitions import definition_routes
from orchestrator.gateway.http import read_json, reply, services
from orchestrator.gateway.routing import WRITER
from orchestrator.models.fields import Checker
from orchestrator.models.run import public_run


async def rearm(request: web.Request, schedule_id: str) -> None:
    await ask(services(request).supervisor, m.ScheduleChanged(schedule_id))


api = definition_routes(
    "schedule", "/schedules", runnable=False, changed=rearm, refers=True, force=False
)
routes = api.routes


async def _answer(request: web.Request, message: object) -> web.Response:
    schedule = await ask(services(request).storage, message)
    await rearm(request, schedule["id"])
    return reply(await ask(services(request).storage, m.Get("schedule", schedule["id"])))


@api.post(
    "/schedules/{id}/targets",
    role=WRITER,
    action="schedule.add_target",
    op="addScheduleTarget",
    summary="Add a target",
    errors=(400, 404, 409, 413, 422),
)
async def add_target(request: web.Request) -> web.Response:
    body = await read_json(request)
    check = Checker(body, {"target"})
    if "target" not in body:
        check.fail("target", "is required")
    target = check.string("target", min_len=1, max_len=200) if "target" in body else None
    check.done()
    return await _answer(request, m.ScheduleTarget(request.match_info["id"], target, True))


@api.delete(
    "/schedules/{id}/targets/{target}",
    role=WRITER,
    action="schedule.remove_target",
    op="removeScheduleTarget",
    summary="Remove a target",
    errors=(404, 409),
)
async def remove_target(request: web.Request) -> web.Response:
    info = request.match_info
    return await _answer(request, m.ScheduleTarget(info["id"], info["target"], False))


@api.post(
    "/schedules/{id}/pause",
    role=WRITER,
    action="schedule.pause",
    op="pauseSchedule",
    summary="Pause a schedule",
    errors=(404,),
)
async def pause(request: web.Request) -> web.Response:
    return await _answer(request, m.SetEnabled(request.match_info["id"], False))


@api.post(
    "/schedules/{id}/resume",
    role=WRITER,
    action="schedule.resume",
    op="resumeSchedule",
    summary="Resume a schedule",
    errors=(404,),
)
async def resume(request: web.Request) -> web.Response:
    return await _answer(request, m.SetEnabled(request.match_info["id"], True))


@api.post(
    "/schedules/{id}/trigger",
    role=WRITER,
    action="schedule.trigger",
    op="triggerSchedule",
    summary="Fire a schedule now",
    errors=(404, 503),
)
async def trigger(request: web.Request) -> web.Response:
    """Fire now: every target starts at once; answers the runs and the targets skipped."""
    svc = services(request)
    schedule = await ask(svc.storage, m.Get("schedule", request.match_info["id"]))
    fired = await ask(svc.supervisor, m.FireSchedule(schedule["id"], None, manual=True))
    runs = [public_run(run) for run in fired["runs"]]
    return reply({"runs": runs, "skipped": fired["skipped"]}, status=202)
