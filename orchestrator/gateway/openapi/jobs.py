"""Paths of the jobs resource: create, list, read, replace, patch, delete, copy and run."""

from __future__ import annotations

from typing import Any

from orchestrator.gateway.openapi.common import param, ref
from orchestrator.gateway.openapi.definitions import Kind, definition_paths, filters, run_path
from orchestrator.gateway.openapi.job_schemas import JOB_EXAMPLE, JOB_OUTPUT_EXAMPLE
from orchestrator.gateway.openapi.run_schemas import RUN_EXAMPLE

TAG = {
    "name": "jobs",
    "description": "A job is a shell command with a working directory, a timeout and retries. "
    "Job IDs are `J` plus 8 Crockford base32 characters; each job has one context, "
    "`CJ` plus the same 8 characters, holding the stdout of its latest run.",
}
JOB = Kind("job", "J7K2M9QXA", JOB_OUTPUT_EXAMPLE)


def paths() -> dict[str, Any]:
    unfinished = dict.fromkeys(["started_at", "finished_at", "duration", "exit_code"])
    queued = {**RUN_EXAMPLE, **unfinished, "state": "queued", "attempts": []}
    by_state = param("state", "query", ref("JobState"), "Only jobs in this state.")
    return {
        **definition_paths(
            JOB,
            create=(
                "Create a job. Unknown fields are a 400; a name already in use is a 409.",
                JOB_EXAMPLE,
            ),
            listing=(
                "Jobs matching every filter given, one page at a time.",
                filters(JOB, by_state),
            ),
            get="One job.",
            replace=(
                "Full replacement: optional fields left out go back to their defaults. The ID, "
                "context and history stay.",
                JOB_EXAMPLE,
            ),
            patch=("Only the fields sent change.", {"timeout": 120, "tags": ["reports"]}),
            delete=(
                "Delete the job and its context; its runs stay in the history. A job that a "
                "pipeline uses (`details.pipelines` lists their names), that a schedule "
                "targets, or that has a run in progress is a 409 unless `force=true`, which "
                "also removes it from schedules; a run in progress goes on, and the pipelines "
                "keep a step whose job is gone (`job_name` null), which fails when it runs.",
                "Delete even while pipelines use the job, schedules target it or a run is going.",
            ),
            copy=(
                "A new job with the same definition and a new ID; its context starts empty.",
                "nightly-report-v2",
            ),
        ),
        "/jobs/{id}/run": run_path(
            JOB,
            "Start a run now, or at `at`. The answer is 202 with the run (`queued`, "
            "`running`, or `scheduled` when `at` is in the future). With `wait=true` the "
            "server answers when the run has finished (200), or with 202 and the run as it "
            "stands when `timeout` passes first. A `$$(name)` reference that matches no "
            "context, or whose name is both a job's and a pipeline's, fails the run "
            "before it starts (the run says why in `error`). A disabled job is a 409.",
            RUN_EXAMPLE,
            queued,
        ),
    }
