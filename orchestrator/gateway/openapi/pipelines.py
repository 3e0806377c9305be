"""Paths of the pipelines resource: create, list, read, replace, patch, delete, copy and run."""

from __future__ import annotations

from typing import Any

from orchestrator.gateway.openapi.common import body, operation, param, path_id, ref, reply
from orchestrator.gateway.openapi.common import shared_param as shared
from orchestrator.gateway.openapi.pipeline_examples import (
    PIPELINE_EXAMPLE,
    PIPELINE_OUTPUT_EXAMPLE,
    PIPELINE_RUN_EXAMPLE,
)

TAG = {
    "name": "pipelines",
    "description": "A pipeline runs jobs as steps of a DAG: each step waits for the steps it "
    "depends on, independent steps run in parallel, and each step is a job run of its own "
    "(`trigger.type` `pipeline`, `pipeline_run_id` set). Pipeline IDs are `P` plus 8 "
    "Crockford base32 characters; each pipeline has one context, `CP` plus the same 8 "
    "characters, which holds the output of its last step and each step's job context.",
}
PIPELINE_ID = path_id("Pipeline ID or name", "P6R8T0V2X")
WRITE_ERRORS = (400, 404, 409, 413, 422)
RUN_TEXT = """Start a run now, or at `at` (a future time gives a `scheduled` run whose steps
are all `pending`). The answer is 202 with the run; with `wait=true` the server answers when
the run has finished (200), or with 202 and the run as it stands when `timeout` passes first.
`env` is given to every step's job run.

The run walks the DAG: a step starts when every step it depends on has succeeded. A step that
fails is started again as a new job run while it has had fewer than the pipeline's
`max_attempts` runs; when it fails for good, `on_failure` decides: `stop` starts nothing more
and marks every step not started `skipped`, `continue` skips only the steps that depend on it.
The run ends `succeeded` when every step succeeded and `failed` otherwise (`error` names the
first failed step in `steps` order). Cancel it with `POST /runs/{id}/cancel`: running step runs are
killed and end `cancelled`, pending steps are `skipped`, the run ends `cancelled`.
`POST /runs/{id}/retry` on a finished pipeline run starts a new run in which only the steps
that did not succeed run again; succeeded steps keep their job runs and contexts.

When the run ends `succeeded` or `failed`, the pipeline's context becomes the output of its
last step in `steps` order (empty if that step did not run), with each step's job context;
a cancelled or interrupted run leaves the previous context in place."""


def _pipeline(description: str) -> dict[str, Any]:
    return reply(description, ref("Pipeline"), PIPELINE_OUTPUT_EXAMPLE)


def paths() -> dict[str, Any]:
    unfinished = dict.fromkeys(["started_at", "finished_at", "duration", "exit_code"])
    queued = {**PIPELINE_RUN_EXAMPLE, **unfinished, "state": "queued"}
    queued["steps"] = [
        {**step, "run_id": None, "state": "pending", "attempts": 0}
        for step in PIPELINE_RUN_EXAMPLE["steps"]
    ]
    return {
        "/pipelines": {
            "post": operation(
                "createPipeline",
                "pipelines",
                "Create a pipeline",
                "Create a pipeline. Steps name their jobs by ID or name; the pipeline keeps "
                "the IDs. Unknown fields and an invalid step graph are a 400, an unknown job a "
                "422, a name already in use a 409.",
                {"201": _pipeline("The new pipeline.")},
                errors=(400, 409, 413, 422),
                request=body(ref("PipelineCreate"), PIPELINE_EXAMPLE),
            ),
            "get": operation(
                "listPipelines",
                "pipelines",
                "List pipelines",
                "Pipelines matching every filter given, one page at a time.",
                {"200": reply("A page of pipelines.", ref("PipelineList"))},
                errors=(400,),
                parameters=[
                    param("tag", "query", {"type": "string"}, "Only pipelines with this tag."),
                    param("state", "query", ref("PipelineState"), "Only pipelines in this state."),
                    param("q", "query", {"type": "string"}, "Substring of the name (any case)."),
                    shared("Limit"),
                    shared("Cursor"),
                ],
            ),
        },
        "/pipelines/{id}": {
            "parameters": [PIPELINE_ID],
            "get": operation(
                "getPipeline",
                "pipelines",
                "Get a pipeline",
                "One pipeline, each step with its job's current name.",
                {"200": _pipeline("The pipeline.")},
                errors=(404,),
            ),
            "put": operation(
                "replacePipeline",
                "pipelines",
                "Replace a pipeline",
                "Full replacement: optional fields left out go back to their defaults. The ID, "
                "context and history stay.",
                {"200": _pipeline("The pipeline as replaced.")},
                errors=WRITE_ERRORS,
                request=body(ref("PipelineCreate"), PIPELINE_EXAMPLE),
            ),
            "patch": operation(
                "patchPipeline",
                "pipelines",
                "Change some fields of a pipeline",
                "Only the fields sent change; `steps`, if sent, is validated as a whole again.",
                {"200": _pipeline("The pipeline as changed.")},
                errors=WRITE_ERRORS,
                request=body(ref("PipelinePatch"), {"on_failure": "continue", "max_attempts": 3}),
            ),
            "delete": operation(
                "deletePipeline",
                "pipelines",
                "Delete a pipeline",
                "Delete the pipeline and its context. Its jobs stay, and so do its runs in "
                "the history. A pipeline that a schedule targets, or that has a run in "
                "progress, is a 409 unless `force=true`, which also removes it from "
                "schedules (a run in progress goes on; cancel it to stop it).",
                {"204": reply("Deleted.")},
                errors=(404, 409),
                parameters=[
                    param(
                        "force",
                        "query",
                        {"type": "boolean", "default": False},
                        "Delete even while schedules target the pipeline or a run is going.",
                    )
                ],
            ),
        },
        "/pipelines/{id}/copy": {
            "parameters": [PIPELINE_ID],
            "post": operation(
                "copyPipeline",
                "pipelines",
                "Copy a pipeline",
                "A new pipeline with the same steps and settings and a new ID; its context "
                "starts empty.",
                {"201": _pipeline("The copy.")},
                errors=(400, 404, 409, 413),
                request=body(ref("PipelineCopy"), {"name": "nightly-etl-v2"}, required=False),
            ),
        },
        "/pipelines/{id}/run": {
            "parameters": [PIPELINE_ID],
            "post": operation(
                "runPipeline",
                "pipelines",
                "Run a pipeline",
                RUN_TEXT + "\n\nA disabled pipeline is a 409.",
                {
                    "200": reply(
                        "`wait=true`: the finished run.", ref("Run"), PIPELINE_RUN_EXAMPLE
                    ),
                    "202": reply("The run, accepted.", ref("Run"), queued),
                },
                errors=(400, 404, 409, 413, 503),
                parameters=[
                    param(
                        "wait",
                        "query",
                        {"type": "boolean", "default": False},
                        "Answer only when the run has finished (or `timeout` passes).",
                    ),
                    param(
                        "timeout",
                        "query",
                        {"type": "number", "exclusiveMinimum": 0, "maximum": 86400, "default": 60},
                        "With `wait=true`: longest wait in seconds.",
                    ),
                ],
                request=body(
                    ref("RunRequest"),
                    {"env": {"REPORT_DAY": "2026-11-26"}},
                    required=False,
                    description="Optional: when to start and extra environment variables.",
                ),
            ),
        },
    }
