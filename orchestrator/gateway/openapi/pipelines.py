"""Paths of the pipelines resource: create, list, read, replace, patch, delete, copy and run."""

from __future__ import annotations

from typing import Any

from orchestrator.gateway.openapi.common import param, ref
from orchestrator.gateway.openapi.definitions import Kind, definition_paths, filters, run_path
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
PIPELINE = Kind("pipeline", "P6R8T0V2X", PIPELINE_OUTPUT_EXAMPLE)
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


def paths() -> dict[str, Any]:
    unfinished = dict.fromkeys(["started_at", "finished_at", "duration", "exit_code"])
    queued = {**PIPELINE_RUN_EXAMPLE, **unfinished, "state": "queued"}
    queued["steps"] = [
        {**step, "run_id": None, "state": "pending", "attempts": 0}
        for step in PIPELINE_RUN_EXAMPLE["steps"]
    ]
    by_state = param("state", "query", ref("PipelineState"), "Only pipelines in this state.")
    return {
        **definition_paths(
            PIPELINE,
            create=(
                "Create a pipeline. Steps name their jobs by ID or name; the pipeline keeps "
                "the IDs. Unknown fields and an invalid step graph are a 400, an unknown job a "
                "422, a name already in use a 409.",
                PIPELINE_EXAMPLE,
            ),
            listing=(
                "Pipelines matching every filter given, one page at a time.",
                filters(PIPELINE, by_state),
            ),
            get="One pipeline, each step with its job's current name.",
            replace=(
                "Full replacement: optional fields left out go back to their defaults. The ID, "
                "context and history stay.",
                PIPELINE_EXAMPLE,
            ),
            patch=(
                "Only the fields sent change; `steps`, if sent, is validated as a whole again.",
                {"on_failure": "continue", "max_attempts": 3},
            ),
            delete=(
                "Delete the pipeline and its context. Its jobs stay, and so do its runs in "
                "the history. A pipeline that a schedule targets, or that has a run in "
                "progress, is a 409 unless `force=true`, which also removes it from "
                "schedules (a run in progress goes on; cancel it to stop it).",
                "Delete even while schedules target the pipeline or a run is going.",
            ),
            copy=(
                "A new pipeline with the same steps and settings and a new ID; its context "
                "starts empty.",
                "nightly-etl-v2",
            ),
        ),
        "/pipelines/{id}/run": run_path(
            PIPELINE,
            RUN_TEXT + "\n\nA disabled pipeline is a 409.",
            PIPELINE_RUN_EXAMPLE,
            queued,
        ),
    }
