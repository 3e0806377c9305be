"""REST resource: metrics (`/metrics`, `/metrics/history`, `/metrics/prometheus`).

One document joins three sources asked at once: the Sampler's latest sample of the machine,
Storage's counts of definitions and runs (and of its commits), and the Supervisor's running and
queued runs; the actors' message counters and inbox depths are read on the spot
(`orchestrator.metrics.census`). The Prometheus text is the same document rendered for scrapers.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from actors import messages as m
from orchestrator import __version__
from orchestrator.errors import ValidationError
from orchestrator.gateway.bridge import ask
from orchestrator.gateway.http import reply, services
from orchestrator.gateway.keys import Services
from orchestrator.gateway.routing import READER, Api
from orchestrator.metrics import prometheus
from orchestrator.metrics.census import census
from orchestrator.metrics.system import sample as sample_now
from orchestrator.models.fields import iso, now, parse_time

api = Api("metrics")
routes = api.routes


@api.get("/metrics", role=READER, op="getMetrics", summary="Metrics")
async def get_metrics(request: web.Request) -> web.Response:
    return reply(await collect(services(request)))


@api.get(
    "/metrics/history", role=READER, op="getMetricsHistory", summary="Recent samples", errors=(400,)
)
async def get_history(request: web.Request) -> web.Response:
    """The samples kept (the last hour), oldest first; `since` keeps only newer ones, so a
    chart that polls fetches what it has not seen."""
    since_text = request.query.get("since")
    since = parse_time(since_text) if since_text else None
    if since_text and since is None:
        raise ValidationError({"since": "must be an ISO 8601 date and time"})
    sampler = services(request).sampler
    if sampler is None:
        return reply({"items": [], "period": None})
    history = await ask(sampler, m.SampleHistory())
    if since is not None:
        items = [s for s in history["items"] if (parse_time(s["time"]) or since) > since]
        history = {**history, "items": items}
    return reply(history)


@api.get(
    "/metrics/prometheus", role=READER, op="getPrometheusMetrics", summary="Metrics for Prometheus"
)
async def get_prometheus(request: web.Request) -> web.Response:
    text = prometheus.render(await collect(services(request)))
    return web.Response(text=text, headers={"Content-Type": prometheus.CONTENT_TYPE})


async def collect(svc: Services) -> dict[str, Any]:
    """The `GET /metrics` document."""
    moment = now()
    counted, stats, sample = await asyncio.gather(
        ask(svc.storage, m.Counts(moment)),
        ask(svc.supervisor, m.Stats()),
        _latest_sample(svc),
    )
    runs = {
        **counted["runs"],
        "running": stats["running"],
        "queued": stats["queued"],
        "pipelines_running": stats["pipelines"],
    }
    return {
        "time": iso(moment),
        "system": {key: value for key, value in sample.items() if key != "process"},
        "process": sample["process"],
        "jobs": counted["jobs"],
        "pipelines": counted["pipelines"],
        "schedules": counted["schedules"],
        "runs": runs,
        "actors": census(),
        "store": counted["store"],
        "version": __version__,
    }


async def _latest_sample(svc: Services) -> dict[str, Any]:
    if svc.sampler is not None:
        latest = await ask(svc.sampler, m.LatestSample())
        if latest is not None:
            return latest
    # No sampler (or no sample yet): a sample on the spot costs about a millisecond.
    return sample_now(svc.config.data_dir)
