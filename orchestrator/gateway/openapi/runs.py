"""Paths of the execution history: list and read runs, their output, cancel and retry."""

from __future__ import annotations

from typing import Any

from orchestrator.gateway.openapi.backlog import too_many_runs
from orchestrator.gateway.openapi.common import Examples, operation, param, path_id, ref, reply
from orchestrator.gateway.openapi.common import shared_param as shared
from orchestrator.gateway.openapi.pipeline_examples import PIPELINE_RUN_EXAMPLE
from orchestrator.gateway.openapi.run_schemas import RUN_EXAMPLE

TAG = {
    "name": "runs",
    "description": "Every execution of a job or pipeline is kept as a run, with its attempts, "
    "timings, exit code and output, for the configured retention period. Run IDs are `R` plus "
    "12 Crockford base32 characters. Output is kept up to `jobs.max_output_bytes` per stream "
    "(default 1 MiB); past that, its head and its end, and the run says `truncated: true`. "
    "The output can be read and followed while the run is written.",
}
RUN_ID = path_id("Run ID", "R0F3K8Z1M2N4Q", by_name=False)


def _run(description: str, example: Any = None) -> dict[str, Any]:
    return reply(description, ref("Run"), example or RUN_EXAMPLE)


def _step_run() -> dict[str, Any]:
    """The job run of a pipeline step: linked to its pipeline run both ways."""
    pipeline_run, step = PIPELINE_RUN_EXAMPLE["id"], PIPELINE_RUN_EXAMPLE["steps"][-1]
    return {
        **RUN_EXAMPLE,
        "id": step["run_id"],
        "trigger": {"type": "pipeline", "by": pipeline_run},
        "pipeline_run_id": pipeline_run,
    }


def paths() -> dict[str, Any]:
    cancelled = {**RUN_EXAMPLE, "state": "cancelled", "exit_code": None}
    cancelled.update(error="The run was cancelled.", duration=0.8)
    cancelled["finished_at"] = "2026-11-27T10:00:00.812+00:00"
    cancelled["attempts"] = [
        {
            **RUN_EXAMPLE["attempts"][0],
            "finished_at": cancelled["finished_at"],
            "duration": 0.8,
            "exit_code": None,
            "outcome": "cancelled",
            "error": "cancelled",
        }
    ]
    unfinished = dict.fromkeys(["started_at", "finished_at", "duration", "exit_code"])
    retried = {**RUN_EXAMPLE, **unfinished, "id": "R5B7C9D1E3F5G", "state": "queued"}
    retried.update(attempts=[], trigger={"type": "retry", "by": "R0F3K8Z1M2N4Q"})
    old_steps = PIPELINE_RUN_EXAMPLE["steps"]
    retried_pipeline = {**PIPELINE_RUN_EXAMPLE, **unfinished, "id": "R6C8D0E2F4G6H"}
    retried_pipeline.update(state="queued", trigger={"type": "retry", "by": "R9J1K3M5N7P9Q"})
    retried_pipeline["steps"] = [
        *old_steps[:2],
        *({**s, "run_id": None, "state": "pending", "attempts": 0} for s in old_steps[2:]),
    ]
    one = Examples.of(
        job=("A job run", RUN_EXAMPLE),
        pipeline=("A pipeline run", PIPELINE_RUN_EXAMPLE),
        step=("The job run of a pipeline step", _step_run()),
    )
    new = Examples.of(
        job=("A job run, retried", retried),
        pipeline=("A pipeline run, retried: the first two steps had succeeded", retried_pipeline),
    )
    return {
        "/runs": {
            "get": operation(
                "listRuns",
                "runs",
                "List runs",
                "Runs matching every filter given, newest first.",
                {"200": reply("A page of runs.", ref("RunList"))},
                errors=(400, 409),
                parameters=[
                    param(
                        "owner",
                        "query",
                        {"type": "string"},
                        "Only runs of this job or pipeline (ID or name). A name that is both a "
                        "job's and a pipeline's is a 409; use the ID.",
                    ),
                    param(
                        "kind",
                        "query",
                        {"type": "string", "enum": ["job", "pipeline"]},
                        "Only runs of jobs (pipeline steps' job runs included), or only runs "
                        "of pipelines.",
                    ),
                    param("state", "query", ref("RunState"), "Only runs in this state."),
                    shared("Since"),
                    shared("Until"),
                    shared("Limit"),
                    shared("Cursor"),
                ],
            ),
        },
        "/runs/{id}": {
            "parameters": [RUN_ID],
            "get": operation(
                "getRun",
                "runs",
                "Get a run",
                "One run of a job or of a pipeline.",
                {"200": _run("The run.", one)},
                errors=(404,),
            ),
        },
        "/runs/{id}/cancel": {
            "parameters": [RUN_ID],
            "post": operation(
                "cancelRun",
                "runs",
                "Cancel a run",
                "Stop a scheduled, queued, running or retrying run; a running process tree is "
                "killed. Cancelling a pipeline run cancels the job runs of its running steps "
                "(their process trees are killed), marks the steps not started `skipped`, and "
                "ends the pipeline run `cancelled`. A run that has already finished is a 409.",
                {"200": _run("The run, cancelled.", cancelled)},
                errors=(404, 409),
            ),
        },
        "/runs/{id}/retry": {
            "parameters": [RUN_ID],
            "post": operation(
                "retryRun",
                "runs",
                "Retry a run",
                "Start a new run of the same owner (`trigger.type` `retry`, `trigger.by` the "
                "old run's ID). For a pipeline run, only the steps that did not succeed "
                "(failed, timed out, cancelled, interrupted or skipped) run again, each as a "
                "new job run; succeeded steps keep their job runs (same `run_id`) and contexts, "
                "and the new pipeline context is built from both. A run that has not finished "
                "yet is a 409.",
                {"202": _run("The new run.", new), "429": too_many_runs()},
                errors=(404, 409, 503),
            ),
        },
    }
