"""Paths and schemas of metrics: the machine, the server process, definitions and runs by state
(`GET /metrics`), the recent samples for charts, and the same figures for Prometheus."""

from __future__ import annotations

from typing import Any

from orchestrator.gateway.openapi import metrics_internals
from orchestrator.gateway.openapi.common import Schema, obj, operation, param, ref, reply
from orchestrator.gateway.openapi.schemas import TIME_EXAMPLE, timestamp

TAG = {
    "name": "metrics",
    "description": """What the machine and the server are doing, for supervision (`GET
/metrics`, the CLI's `metrics`), charts (`GET /metrics/history`) and Prometheus (`GET
/metrics/prometheus`). The machine is sampled every 5 seconds and the samples of the last hour
are kept in memory (a restart starts afresh); CPU percentages cover the time since the
previous sample. Counts of definitions and runs are read from the store at each request.""",
}
SAMPLE_EXAMPLE = {
    "time": TIME_EXAMPLE,
    "cpu_percent": 22.9,
    "cpu_count": 2,
    "memory": {"total": 25276514304, "available": 24464060416, "used": 812453888, "percent": 3.2},
    "disk": {"total": 270553174016, "used": 24713113600, "free": 84231180288, "percent": 22.7},
    "io": {
        "disk_read_bytes": 3158025216,
        "disk_write_bytes": 11595362304,
        "net_sent_bytes": 1497303453,
        "net_recv_bytes": 1932958111,
    },
    "process": {"pid": 4242, "rss": 78622720, "threads": 23, "open_files": 48, "cpu_percent": 2.4},
}
PROMETHEUS_EXAMPLE = """# HELP orchestrator_info Version of the server.
# TYPE orchestrator_info gauge
orchestrator_info{version="0.3.0a0"} 1
# HELP orchestrator_runs_queued Job runs waiting for a free slot.
# TYPE orchestrator_runs_queued gauge
orchestrator_runs_queued 0
# HELP orchestrator_jobs Jobs by the state of their latest run.
# TYPE orchestrator_jobs gauge
orchestrator_jobs{state="succeeded"} 12
orchestrator_jobs{state="failed"} 1
"""


def _count(description: str) -> Schema:
    return {"type": "integer", "minimum": 0, "description": description}


def _bytes(description: str) -> Schema:
    return {"type": ["integer", "null"], "minimum": 0, "description": description}


def _percent(description: str) -> Schema:
    return {"type": "number", "minimum": 0, "description": description + " Percent."}


def _by_state(what: str) -> Schema:
    return obj(
        {
            "total": _count(f"{what} defined."),
            "by_state": {
                "type": "object",
                "additionalProperties": {"type": "integer", "minimum": 0},
                "description": f"{what} by the state of their latest run (`never_run` without "
                "one); states counting none are left out.",
            },
        },
        ["total", "by_state"],
        closed=False,
    )


def _sample_fields() -> dict[str, Schema]:
    sizes = ("total", "available", "used")
    io = ("disk_read_bytes", "disk_write_bytes", "net_sent_bytes", "net_recv_bytes")
    return {
        "time": timestamp("When the sample was taken."),
        "cpu_percent": _percent("Machine CPU use since the previous sample."),
        "cpu_count": _count("Logical CPUs."),
        "memory": obj(
            {**{k: _count(f"Memory {k}, in bytes.") for k in sizes}, "percent": _percent("Used.")},
            [*sizes, "percent"],
            closed=False,
        ),
        "disk": obj(
            {
                **{k: _count(f"{k.title()} bytes.") for k in ("total", "used", "free")},
                "percent": _percent("Used."),
            },
            ["total", "used", "free", "percent"],
            closed=False,
            description="The disk that holds the data directory.",
        ),
        "io": obj(
            {name: _bytes("Since the machine started; null where unreadable.") for name in io},
            list(io),
            closed=False,
            description="Byte counters of the machine's disks and network.",
        ),
    }


def schemas() -> dict[str, Schema]:
    process = obj(
        {
            "pid": _count("Process ID of the server."),
            "rss": _count("Resident memory, in bytes."),
            "threads": _count("Threads."),
            "open_files": _count("Open file descriptors (handles on Windows)."),
            "cpu_percent": _percent("CPU use of the server since the previous sample."),
        },
        ["pid", "rss", "threads", "open_files", "cpu_percent"],
        closed=False,
    )
    sample = _sample_fields()
    quantile = {"type": ["number", "null"], "description": "Seconds; null when none finished."}
    runs = {
        "total": _count("Runs kept in the history."),
        "active": _count("Runs scheduled, queued, running or retrying."),
        "by_state_24h": {
            "type": "object",
            "additionalProperties": {"type": "integer", "minimum": 0},
            "description": "Runs created in the last 24 hours by their state now.",
        },
        "finished_24h": _count("Runs created in the last 24 hours that have finished."),
        "duration_24h": obj(
            {name: quantile for name in ("p50", "p90", "p99", "max")},
            ["p50", "p90", "p99", "max"],
            closed=False,
            description="Durations of those finished runs that started.",
        ),
        "running": _count("Job runs under way now (pipeline steps included)."),
        "queued": _count("Job runs waiting to start (each run's `waiting` says why)."),
        "pipelines_running": _count("Pipeline runs under way now."),
    }
    document = {
        "time": timestamp("When the document was made."),
        "system": obj(sample, list(sample), closed=False, description="The latest sample."),
        "process": ref("ProcessSample"),
        "jobs": _by_state("Jobs"),
        "pipelines": _by_state("Pipelines"),
        "schedules": obj(
            {k: _count(f"Schedules {k}.") for k in ("total", "enabled", "paused")},
            ["total", "enabled", "paused"],
            closed=False,
        ),
        "runs": obj(runs, list(runs), closed=False),
        "actors": ref("MetricsActors"),
        "store": ref("MetricsStore"),
        "version": {"type": "string", "description": "The server's version (PEP 440)."},
    }
    return {
        **metrics_internals.schemas(),
        "ProcessSample": process,
        "MetricsSample": obj(
            {**sample, "process": ref("ProcessSample")},
            [*sample, "process"],
            closed=False,
            description="One sample of the machine and of the server process.",
        ),
        "Metrics": obj(document, list(document), closed=False),
        "MetricsHistory": obj(
            {
                "items": {"type": "array", "items": ref("MetricsSample")},
                "period": {
                    "type": ["number", "null"],
                    "description": "Seconds between samples (5).",
                },
            },
            ["items", "period"],
            closed=False,
            description="The samples kept (the last hour), oldest first.",
        ),
    }


def paths() -> dict[str, Any]:
    machine = {k: v for k, v in SAMPLE_EXAMPLE.items() if k != "process"}
    by_state = {"total": 13, "by_state": {"succeeded": 12, "failed": 1}}
    runs = {"total": 1520, "active": 1, "by_state_24h": {"succeeded": 140, "running": 1}}
    runs |= {"finished_24h": 140, "running": 1, "queued": 0, "pipelines_running": 0}
    runs["duration_24h"] = {"p50": 2.5, "p90": 12.1, "p99": 60.2, "max": 75.0}
    document = {"time": TIME_EXAMPLE, "system": machine, "process": SAMPLE_EXAMPLE["process"]}
    document |= {"jobs": by_state, "pipelines": {"total": 2, "by_state": {"succeeded": 2}}}
    document |= {"schedules": {"total": 3, "enabled": 2, "paused": 1}, "runs": runs}
    document |= metrics_internals.EXAMPLE
    document["version"] = "0.3.0a0"
    return {
        "/metrics": {
            "get": operation(
                "CPU, memory, disk and I/O of the machine (the latest sample), the server "
                "process, jobs and pipelines by the state of their latest run, schedules, and "
                "runs: stored, active, by state over the last 24 hours with duration "
                "quantiles, and running and queued now; and the server's internals: messages "
                "handled and inbox depths by actor kind, and the store's commits.",
                {"200": reply("The metrics.", ref("Metrics"), document)},
            )
        },
        "/metrics/history": {
            "get": operation(
                "The samples of the last hour, oldest first, for charts. A chart that polls "
                "sends the `time` of the newest sample it has as `since` and gets only newer "
                "ones.",
                {
                    "200": reply(
                        "The samples.",
                        ref("MetricsHistory"),
                        {"items": [SAMPLE_EXAMPLE], "period": 5.0},
                    )
                },
                parameters=[
                    param(
                        "since",
                        "query",
                        timestamp("ISO 8601."),
                        "Only samples taken after this time.",
                    )
                ],
            )
        },
        "/metrics/prometheus": {
            "get": operation(
                "The same figures in the Prometheus text format 0.0.4, every metric named "
                "`orchestrator_...` with its HELP and TYPE lines. Per-state series are written "
                "for every state, zero included, so that they do not vanish between scrapes; "
                "duration quantiles are NaN while no run finished in the last 24 hours. A "
                "scraper authenticates like any client (`Authorization: Bearer <key>`).",
                {
                    "200": {
                        "description": "The exposition text.",
                        "content": {
                            "text/plain; version=0.0.4; charset=utf-8": {
                                "schema": {"type": "string"},
                                "example": PROMETHEUS_EXAMPLE,
                            }
                        },
                    }
                },
            )
        },
    }
