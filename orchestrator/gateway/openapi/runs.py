"""Paths of the execution history: list and read runs, their output, cancel and retry."""

from __future__ import annotations

from typing import Any

from orchestrator.gateway.openapi.common import operation, param, path_id, ref, reply
from orchestrator.gateway.openapi.common import shared_param as shared
from orchestrator.gateway.openapi.run_schemas import RUN_EXAMPLE

TAG = {
    "name": "runs",
    "description": "Every execution of a job or pipeline is kept as a run, with its attempts, "
    "timings, exit code and output, for the configured retention period. Run IDs are `R` plus "
    "12 Crockford base32 characters. Output is kept up to `jobs.max_output_bytes` per stream "
    "(default 1 MiB); the rest is dropped and the run says `truncated: true`.",
}
RUN_ID = path_id("Run ID", "R0F3K8Z1M2N4Q", by_name=False)


def _run(description: str, example: dict[str, Any] | None = None) -> dict[str, Any]:
    return reply(description, ref("Run"), example or RUN_EXAMPLE)


def paths() -> dict[str, Any]:
    cancelled = {**RUN_EXAMPLE, "state": "cancelled", "exit_code": None, "error": "Cancelled."}
    retried = {**RUN_EXAMPLE, "id": "R5B7C9D1E3F5G", "state": "queued"}
    retried.update(dict.fromkeys(["started_at", "finished_at", "duration", "exit_code"]))
    retried.update(attempts=[], trigger={"type": "retry", "by": "R0F3K8Z1M2N4Q"})
    return {
        "/runs": {
            "get": operation(
                "listRuns",
                "runs",
                "List runs",
                "Runs matching every filter given, newest first.",
                {"200": reply("A page of runs.", ref("RunList"))},
                errors=(400,),
                parameters=[
                    param(
                        "owner",
                        "query",
                        {"type": "string"},
                        "Only runs of this job or pipeline (ID or name).",
                    ),
                    param(
                        "kind",
                        "query",
                        {"type": "string", "enum": ["job", "pipeline"]},
                        "Only runs of jobs, or only of pipelines.",
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
                "getRun", "runs", "Get a run", "One run.", {"200": _run("The run.")}, errors=(404,)
            ),
        },
        "/runs/{id}/output": {
            "parameters": [RUN_ID],
            "get": operation(
                "getRunOutput",
                "runs",
                "Get the output of a run",
                "The stdout and stderr kept for the run (of its last attempt).",
                {
                    "200": reply(
                        "The output.",
                        ref("RunOutput"),
                        {"stdout": "report written\n", "stderr": "", "truncated": False},
                    )
                },
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
                "killed. A run that has already finished is a 409.",
                {"200": _run("The run, cancelled.", cancelled)},
                errors=(404, 409),
                role="writer",
            ),
        },
        "/runs/{id}/retry": {
            "parameters": [RUN_ID],
            "post": operation(
                "retryRun",
                "runs",
                "Retry a run",
                "Start a new run of the same owner with the same request (`trigger.type` "
                "`retry`). For a pipeline, only failed and skipped steps run again; succeeded "
                "steps keep their contexts. A run that has not finished yet is a 409.",
                {"202": _run("The new run.", retried)},
                errors=(404, 409, 503),
                role="writer",
            ),
        },
    }
