"""Examples of pipelines for the OpenAPI document: one pipeline (a small diamond of four steps)
seen as a request body, as the server shows it, as a run and as its context, all consistent
with each other and with the job examples."""

from __future__ import annotations

from orchestrator.gateway.openapi.run_schemas import CONTEXT_EXAMPLE, RUN_EXAMPLE
from orchestrator.gateway.openapi.schemas import TIME_EXAMPLE

PIPELINE_EXAMPLE = {
    "name": "nightly-etl",
    "steps": [
        {"id": "extract", "job": "extract-data"},
        {"id": "clean", "job": "J4D8F2K7M"},
        {"id": "stats", "job": "compute-stats", "depends_on": ["extract"]},
        {"id": "report", "job": "nightly-report", "depends_on": ["clean", "stats"]},
    ],
    "max_attempts": 2,
    "on_failure": "stop",
    "max_concurrent": 1,
    "description": "Extract, clean and summarize the day's sales.",
    "tags": ["nightly"],
    "enabled": True,
}
_JOBS = {
    "extract": ("J1A2B3C4D", "extract-data"),
    "clean": ("J4D8F2K7M", "clean-data"),
    "stats": ("J5E6F7G8H", "compute-stats"),
    "report": ("J7K2M9QXA", "nightly-report"),
}
_DEPENDS = {"extract": [], "clean": ["extract"], "stats": ["extract"], "report": ["clean", "stats"]}
PIPELINE_OUTPUT_EXAMPLE = {
    "id": "P6R8T0V2X",
    **PIPELINE_EXAMPLE,
    "steps": [
        {"id": step, "job": job, "depends_on": _DEPENDS[step], "job_name": name}
        for step, (job, name) in _JOBS.items()
    ],
    "created_at": TIME_EXAMPLE,
    "updated_at": TIME_EXAMPLE,
    "created_by": "admin",
    "context_id": "CP6R8T0V2X",
    "state": "succeeded",
    "last_run_id": "R8H2J4K6M8N0P",
    "next_run_at": "2026-11-28T01:00:00.000+00:00",  # the next fire of schedule `nightly`
}
_STEP_RUNS = ["R1B3D5F7H9K1M", "R2C4E6G8J0K2N", "R3D5F7H9K1M3P", "R0F3K8Z1M2N4Q"]
PIPELINE_RUN_EXAMPLE = {
    **RUN_EXAMPLE,
    "id": "R8H2J4K6M8N0P",
    "kind": "pipeline",
    "owner_id": "P6R8T0V2X",
    "owner_name": "nightly-etl",
    "duration": 9.5,
    "started_at": "2026-11-27T10:00:00.002+00:00",
    "finished_at": "2026-11-27T10:00:09.502+00:00",
    "attempts": [],
    "steps": [
        {"id": step, "job_id": job, "run_id": run, "state": "succeeded", "attempts": 1}
        for (step, (job, _)), run in zip(_JOBS.items(), _STEP_RUNS, strict=True)
    ],
}


def _step_context(job: str, name: str, run: str) -> dict:
    """The job context a step left; the last step's output is the pipeline's content."""
    content = CONTEXT_EXAMPLE["content"] if job == "J7K2M9QXA" else f"{name}: ok\n"
    ids = {"id": "C" + job, "owner_id": job, "owner_name": name, "run_id": run}
    return {**CONTEXT_EXAMPLE, **ids, "content": content, "size": len(content.encode())}


PIPELINE_CONTEXT_EXAMPLE = {
    **CONTEXT_EXAMPLE,
    "id": "CP6R8T0V2X",
    "kind": "pipeline",
    "owner_id": "P6R8T0V2X",
    "owner_name": "nightly-etl",
    "run_id": "R8H2J4K6M8N0P",
    "duration": 9.5,
    "attempts": 4,
    "steps": [
        {"step": step, "job_id": job, "context": _step_context(job, name, run)}
        for (step, (job, name)), run in zip(_JOBS.items(), _STEP_RUNS, strict=True)
    ],
}
