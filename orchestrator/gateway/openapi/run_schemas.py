"""Schemas of the execution history (runs, their attempts and output) and of contexts, the
saved stdout of each job's and pipeline's latest run."""

from __future__ import annotations

from orchestrator.gateway.openapi.common import B32, Schema, list_of, nullable, obj, ref
from orchestrator.gateway.openapi.schemas import TIME_EXAMPLE, maybe_time, seconds

RUN_EXAMPLE = {
    "id": "R0F3K8Z1M2N4Q",
    "kind": "job",
    "owner_id": "J7K2M9QXA",
    "owner_name": "nightly-report",
    "state": "succeeded",
    "trigger": {"type": "api", "by": "admin"},
    "scheduled_for": None,
    "created_at": TIME_EXAMPLE,
    "queued_at": TIME_EXAMPLE,
    "started_at": "2026-11-27T10:00:00.012+00:00",
    "finished_at": "2026-11-27T10:00:02.512+00:00",
    "duration": 2.5,
    "exit_code": 0,
    "error": None,
    "truncated": False,
    "env": [],
    "attempts": [
        {
            "number": 1,
            "started_at": "2026-11-27T10:00:00.012+00:00",
            "finished_at": "2026-11-27T10:00:02.512+00:00",
            "duration": 2.5,
            "exit_code": 0,
            "outcome": "succeeded",
            "error": None,
        }
    ],
    "pipeline_run_id": None,
}

CONTEXT_EXAMPLE = {
    "id": "CJ7K2M9QXA",
    "kind": "job",
    "owner_id": "J7K2M9QXA",
    "owner_name": "nightly-report",
    "content": "report written to /srv/reports/2026-11-27.pdf\n",
    "run_id": "R0F3K8Z1M2N4Q",
    "generated_at": "2026-11-27T10:00:02.512+00:00",
    "duration": 2.5,
    "exit_code": 0,
    "state": "succeeded",
    "attempts": 1,
    "size": 46,
    "truncated": False,
}

RUN_ID = {"type": "string", "pattern": f"^R{B32}{{12}}$"}
KIND = {"type": "string", "enum": ["job", "pipeline"]}
EXIT_CODE = {"type": ["integer", "null"], "description": "Exit code of the last attempt."}


def schemas() -> dict[str, Schema]:
    attempt = obj(
        {
            "number": {"type": "integer", "minimum": 1},
            "started_at": maybe_time("When the attempt started."),
            "finished_at": maybe_time("When the attempt ended."),
            "duration": nullable(seconds("How long the attempt ran.")),
            "exit_code": {"type": ["integer", "null"]},
            "outcome": {"type": "string", "description": "How the attempt ended."},
            "error": {"type": ["string", "null"], "description": "Why it failed, if it did."},
        },
        ["number", "started_at", "finished_at", "exit_code", "error"],
        closed=False,
    )
    run = {
        "id": RUN_ID,
        "kind": KIND,
        "owner_id": {"type": "string", "description": "ID of the job or pipeline."},
        "owner_name": {"type": "string"},
        "state": ref("RunState"),
        "trigger": obj(
            {
                "type": {"type": "string", "enum": ["api", "schedule", "pipeline", "at", "retry"]},
                "by": {"type": "string", "description": "Username, or the S/P/R ID that fired."},
            },
            ["type", "by"],
            closed=False,
        ),
        "scheduled_for": maybe_time("The planned start of an `at` run."),
        "created_at": maybe_time("When the run was requested."),
        "queued_at": maybe_time("When the run joined the queue."),
        "started_at": maybe_time("When the first attempt started."),
        "finished_at": maybe_time("When the run ended."),
        "duration": nullable(seconds("From start to end.")),
        "exit_code": EXIT_CODE,
        "error": {"type": ["string", "null"], "description": "Why the run failed, if it did."},
        "truncated": {
            "type": "boolean",
            "description": "True when stdout or stderr passed `jobs.max_output_bytes` (1 MiB "
            "per stream by default) and the rest was dropped.",
        },
        "env": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Names of the extra variables the run request set (not values).",
        },
        "attempts": {"type": "array", "items": ref("Attempt")},
        "steps": {
            "type": "array",
            "description": "Pipeline runs only: one entry per step.",
            "items": obj(
                {
                    "id": {"type": "string", "description": "Step name."},
                    "job_id": {"type": "string"},
                    "run_id": nullable(RUN_ID),
                    "state": {"anyOf": [ref("RunState"), {"const": "skipped"}]},
                },
                ["id", "job_id", "run_id", "state"],
                closed=False,
            ),
        },
        "pipeline_run_id": nullable({**RUN_ID, "description": "Set on the run of a step."}),
    }
    required = ["id", "kind", "owner_id", "owner_name", "state", "trigger", "attempts"]
    return {
        "Attempt": attempt,
        "Run": obj(run, required, closed=False),
        "RunList": list_of("Run", "A page of runs, newest first."),
        "RunOutput": obj(
            {
                "stdout": {"type": "string"},
                "stderr": {"type": "string"},
                "truncated": {
                    "type": "boolean",
                    "description": "Each stream keeps at most `jobs.max_output_bytes` "
                    "(default 1 MiB); true when something was dropped.",
                },
            },
            ["stdout", "stderr", "truncated"],
        ),
        "Context": obj(context_fields(), list(CONTEXT_EXAMPLE), closed=False),
        "ContextList": list_of("Context", "A page of contexts."),
    }


def context_fields() -> dict[str, Schema]:
    return {
        "id": {"type": "string", "pattern": f"^C[JP]{B32}{{8}}$"},
        "kind": KIND,
        "owner_id": {"type": "string"},
        "owner_name": {"type": "string"},
        "content": {
            "type": "string",
            "description": "The stdout of the owner's latest run (for a pipeline, of its last "
            "step); empty until the owner has run.",
        },
        "run_id": nullable(RUN_ID),
        "generated_at": maybe_time("When the content was produced."),
        "duration": nullable(seconds("How long the producing run took.")),
        "exit_code": EXIT_CODE,
        "state": nullable(ref("RunState")),
        "attempts": {"type": ["integer", "null"], "description": "Attempts the run needed."},
        "size": {"type": "integer", "minimum": 0, "description": "Size of `content` in bytes."},
        "truncated": {"type": "boolean", "description": "The output passed the size cap."},
        "steps": {
            "type": "array",
            "description": "Pipelines only: each step's job context at the time.",
            "items": obj(
                {
                    "step": {"type": "string"},
                    "job_id": {"type": "string"},
                    "context": ref("Context"),
                },
                ["step", "job_id", "context"],
                closed=False,
            ),
        },
    }
