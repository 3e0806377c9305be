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
    "attempts": [
        {
            "number": 1,
            "started_at": "2026-11-27T10:00:00.012+00:00",
            "finished_at": "2026-11-27T10:00:02.512+00:00",
            "duration": 2.5,
            "exit_code": 0,
            "outcome": "exited",
            "error": None,
            "worker": {"name": "local", "host": "build-01"},
        }
    ],
    "pipeline_run_id": None,
    "retried_by": None,
    "waiting": None,
    "secret_env": {},
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
WAITING_TEXT = """Why a `queued` job run has not started yet, in words, while it waits:
the most runs allowed at once (`execution.max_concurrent_runs`) are going; its job already
has its `max_concurrent` runs going; the machine's CPU use is above
`execution.max_cpu_percent`; or its available memory is below `execution.min_free_memory_mb`.
Queued runs start in the order they came as capacity returns (a run whose job is at its limit
does not hold up runs of other jobs). Null while the run does not wait, and in the answer to
the request that created it (the queue has not looked at it yet)."""


def schemas() -> dict[str, Schema]:
    attempt = obj(
        {
            "number": {"type": "integer", "minimum": 1},
            "started_at": maybe_time("When the attempt started."),
            "finished_at": maybe_time("When the attempt ended."),
            "duration": nullable(seconds("How long the attempt ran.")),
            "exit_code": {"type": ["integer", "null"]},
            "outcome": {
                "type": "string",
                "description": "How the attempt ended: `exited` (the command ended; see "
                "`exit_code`), `timed_out`, `cancelled`, or `error` (it could not start, as "
                "when `workdir` is missing).",
            },
            "error": {"type": ["string", "null"], "description": "Why it failed, if it did."},
            "worker": nullable(
                obj(
                    {"name": {"type": "string"}, "host": {"type": "string"}},
                    ["name", "host"],
                    closed=False,
                    description="Where the attempt ran: `local` and the server's host name "
                    "with the local executor, the Dask worker's name and host with `dask`. "
                    "Null for attempts recorded before workers were (or never placed).",
                )
            ),
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
                "by": {
                    "type": "string",
                    "description": "Username, or the S/P/R ID that fired: for `schedule`, the "
                    "schedule's ID (also when fired with `POST /schedules/{id}/trigger`).",
                },
            },
            ["type", "by"],
            closed=False,
        ),
        "scheduled_for": maybe_time(
            "The planned start of an `at` run, or the due time of the schedule fire that "
            "started it."
        ),
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
            "per stream by default, or the job's own) and its middle was dropped.",
        },
        "attempts": {
            "type": "array",
            "items": ref("Attempt"),
            "description": "The attempts of a job run; always empty for a pipeline run (its "
            "steps have their own job runs).",
        },
        "steps": {
            "type": "array",
            "items": ref("StepRun"),
            "description": "Pipeline runs only: one entry per step, in the pipeline's order. "
            "A pipeline run's `exit_code` is its last step's, and its output (`GET "
            "/runs/{id}/output`) is the last step's stdout.",
        },
        "pipeline_run_id": nullable(
            {
                **RUN_ID,
                "description": "Set on the job run of a pipeline step: the pipeline run it "
                'belongs to (its `trigger` is then `{"type": "pipeline", "by": '
                "<that run's ID>}`).",
            }
        ),
        "waiting": {"type": ["string", "null"], "description": WAITING_TEXT},
        "retried_by": nullable(
            {
                **RUN_ID,
                "description": "The newest run made by `POST /runs/{id}/retry` of this run "
                '(its `trigger` is then `{"type": "retry", "by": <this run\'s ID>}`).',
            }
        ),
        "secret_env": {
            "type": "object",
            "additionalProperties": {"type": "string", "const": "***"},
            "description": "The names of the run-time `secret_env` given when the run was "
            "requested (or inherited from its pipeline run or the retried run), each value "
            "shown as `***`. The run-time `env` is not shown back.",
        },
    }
    required = ["id", "kind", "owner_id", "owner_name", "state", "trigger", "attempts"]
    return {
        "Attempt": attempt,
        "Run": obj(run, required, closed=False),
        "RunList": list_of("Run", "A page of runs, newest first."),
        "JobContext": obj(
            {**context_fields(), "kind": {"type": "string", "const": "job"}},
            list(CONTEXT_EXAMPLE),
            closed=False,
            description="A job's context: the stdout of its latest run that ended succeeded, "
            "failed or timed out.",
        ),
        "Context": {
            "oneOf": [ref("JobContext"), ref("PipelineContext")],
            "discriminator": {
                "propertyName": "kind",
                "mapping": {
                    "job": "#/components/schemas/JobContext",
                    "pipeline": "#/components/schemas/PipelineContext",
                },
            },
        },
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
            "step in `steps` order); empty until the owner has run.",
        },
        "run_id": nullable(RUN_ID),
        "generated_at": maybe_time("When the content was produced."),
        "duration": nullable(seconds("How long the producing run took.")),
        "exit_code": EXIT_CODE,
        "state": nullable(ref("RunState")),
        "attempts": {"type": ["integer", "null"], "description": "Attempts the run needed."},
        "size": {"type": "integer", "minimum": 0, "description": "Size of `content` in bytes."},
        "truncated": {"type": "boolean", "description": "The output passed the size cap."},
    }
