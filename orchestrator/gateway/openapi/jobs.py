"""Paths of the jobs resource: create, list, read, replace, patch, delete, copy and run."""

from __future__ import annotations

from typing import Any

from orchestrator.gateway.openapi.common import body, operation, param, path_id, ref, reply
from orchestrator.gateway.openapi.common import shared_param as shared
from orchestrator.gateway.openapi.job_schemas import JOB_EXAMPLE, JOB_OUTPUT_EXAMPLE
from orchestrator.gateway.openapi.run_schemas import RUN_EXAMPLE

TAG = {
    "name": "jobs",
    "description": "A job is a shell command with a working directory, a timeout and retries. "
    "Job IDs are `J` plus 8 Crockford base32 characters; each job has one context, "
    "`CJ` plus the same 8 characters, holding the stdout of its latest run.",
}
JOB_ID = path_id("Job ID or name", "J7K2M9QXA")
WRITE_ERRORS = (400, 404, 409, 413)


def _job(description: str) -> dict[str, Any]:
    return reply(description, ref("Job"), JOB_OUTPUT_EXAMPLE)


def paths() -> dict[str, Any]:
    unfinished = dict.fromkeys(["started_at", "finished_at", "duration", "exit_code"])
    queued = {**RUN_EXAMPLE, **unfinished, "state": "queued", "attempts": []}
    return {
        "/jobs": {
            "post": operation(
                "createJob",
                "jobs",
                "Create a job",
                "Create a job. Unknown fields are a 400; a name already in use is a 409.",
                {"201": _job("The new job.")},
                errors=(400, 409, 413),
                request=body(ref("JobCreate"), JOB_EXAMPLE),
            ),
            "get": operation(
                "listJobs",
                "jobs",
                "List jobs",
                "Jobs matching every filter given, one page at a time.",
                {"200": reply("A page of jobs.", ref("JobList"))},
                errors=(400,),
                parameters=[
                    param("tag", "query", {"type": "string"}, "Only jobs with this tag."),
                    param("state", "query", ref("JobState"), "Only jobs in this state."),
                    param("q", "query", {"type": "string"}, "Substring of the name (any case)."),
                    shared("Limit"),
                    shared("Cursor"),
                ],
            ),
        },
        "/jobs/{id}": {
            "parameters": [JOB_ID],
            "get": operation(
                "getJob", "jobs", "Get a job", "One job.", {"200": _job("The job.")}, errors=(404,)
            ),
            "put": operation(
                "replaceJob",
                "jobs",
                "Replace a job",
                "Full replacement: optional fields left out go back to their defaults. The ID, "
                "context and history stay.",
                {"200": _job("The job as replaced.")},
                errors=WRITE_ERRORS,
                request=body(ref("JobCreate"), JOB_EXAMPLE),
            ),
            "patch": operation(
                "patchJob",
                "jobs",
                "Change some fields of a job",
                "Only the fields sent change.",
                {"200": _job("The job as changed.")},
                errors=WRITE_ERRORS,
                request=body(ref("JobPatch"), {"timeout": 120, "tags": ["reports"]}),
            ),
            "delete": operation(
                "deleteJob",
                "jobs",
                "Delete a job",
                "Delete the job and its context; its runs stay in the history. A job that a "
                "pipeline uses (`details.pipelines` lists their names), that a schedule "
                "targets, or that has a run in progress is a 409 unless `force=true`, which "
                "also removes it from schedules; a run in progress goes on, and the pipelines "
                "keep a step whose job is gone (`job_name` null), which fails when it runs.",
                {"204": reply("Deleted.")},
                errors=(404, 409),
                parameters=[
                    param(
                        "force",
                        "query",
                        {"type": "boolean", "default": False},
                        "Delete even while pipelines use the job, schedules target it or a run "
                        "is going.",
                    )
                ],
            ),
        },
        "/jobs/{id}/copy": {
            "parameters": [JOB_ID],
            "post": operation(
                "copyJob",
                "jobs",
                "Copy a job",
                "A new job with the same definition and a new ID; its context starts empty.",
                {"201": _job("The copy.")},
                errors=WRITE_ERRORS,
                request=body(ref("JobCopy"), {"name": "nightly-report-v2"}, required=False),
            ),
        },
        "/jobs/{id}/run": {
            "parameters": [JOB_ID],
            "post": operation(
                "runJob",
                "jobs",
                "Run a job",
                "Start a run now, or at `at`. The answer is 202 with the run (`queued`, "
                "`running`, or `scheduled` when `at` is in the future). With `wait=true` the "
                "server answers when the run has finished (200), or with 202 and the run as it "
                "stands when `timeout` passes first. A `$$(name)` reference that matches no "
                "context, or whose name is both a job's and a pipeline's, fails the run "
                "before it starts (the run says why in `error`). A disabled job is a 409.",
                {
                    "200": reply("`wait=true`: the finished run.", ref("Run"), RUN_EXAMPLE),
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
