"""OpenAPI: the executor in use and the workers it runs attempts on (`GET /system/workers`)."""

from __future__ import annotations

from typing import Any

from orchestrator.gateway.openapi.common import Examples, Schema, obj, operation, ref, reply

WORKERS_TEXT = """Which executor runs the attempts (`execution.executor`: `local` or `dask`) and,
with `dask`, the scheduler's address, whether it answers, and each connected worker: its name,
address and host, the resources it offers (`dask worker --resources "gpu=1"`; a job's
`resources` run only on a worker that offers them), the attempts it is running now, and its
memory in use and limit (bytes). With `local` there is no cluster: `scheduler` is null and
`items` empty (every attempt runs on the server's machine, worker `local`). When the scheduler
cannot be reached, `reachable` is false and `items` empty."""

EXAMPLE = {
    "executor": "dask",
    "scheduler": "tcp://10.0.0.5:8786",
    "reachable": True,
    "items": [
        {
            "name": "gpu-box-1",
            "address": "tcp://10.0.0.7:40001",
            "host": "10.0.0.7",
            "resources": {"gpu": 1},
            "running": 1,
            "memory": 123456789,
            "memory_limit": 4000000000,
            "nthreads": 1,
        }
    ],
}
LOCAL = {"executor": "local", "scheduler": None, "reachable": True, "items": []}


def schemas() -> dict[str, Schema]:
    count = {"type": "integer", "minimum": 0}
    worker = obj(
        {
            "name": {"type": "string", "description": "The worker's name (`--name`)."},
            "address": {"type": "string", "description": "Its address at the scheduler."},
            "host": {"type": "string", "description": "The machine it runs on."},
            "resources": {
                "type": "object",
                "additionalProperties": {"type": "number"},
                "description": "The resources it offers, by name.",
            },
            "running": {**count, "description": "Attempts it is running now."},
            "memory": {"type": ["integer", "null"], "description": "Memory in use (bytes)."},
            "memory_limit": {"type": ["integer", "null"], "description": "Its memory limit."},
            "nthreads": {**count, "description": "Attempts it may run at once."},
        },
        ["name", "host", "resources", "running"],
        closed=False,
    )
    return {
        "Worker": worker,
        "Workers": obj(
            {
                "executor": {"type": "string", "enum": ["local", "dask"]},
                "scheduler": {
                    "type": ["string", "null"],
                    "description": "The Dask scheduler's address; null with `local`.",
                },
                "reachable": {"type": "boolean", "description": "The scheduler answered."},
                "items": {"type": "array", "items": ref("Worker")},
            },
            ["executor", "scheduler", "reachable", "items"],
            closed=False,
            description="The executor in use and its workers.",
        ),
    }


def paths() -> dict[str, Any]:
    examples = Examples.of(dask=("A Dask cluster", EXAMPLE), local=("The local executor", LOCAL))
    answer = reply("The executor and its workers.", ref("Workers"), examples)
    return {"/system/workers": {"get": operation(WORKERS_TEXT, {"200": answer})}}
