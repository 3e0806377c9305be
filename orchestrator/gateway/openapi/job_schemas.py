"""Schemas of jobs: what a client sends to create, replace, patch, copy and run one, and the job
object the server answers with."""

from __future__ import annotations

from orchestrator.gateway.openapi.common import B32, Schema, obj, ref, string_map
from orchestrator.gateway.openapi.definitions import definition_schemas, name_field, note_fields
from orchestrator.gateway.openapi.schemas import TIME_EXAMPLE, maybe_time, seconds, timestamp

COMMAND_TEXT = (
    "Shell command, run with the platform shell (`/bin/sh -c` on POSIX, `cmd /c` on Windows) "
    "in `workdir`, in its own process group so that timeout and cancel kill the whole tree. "
    "`$$(name)` inserts a context: `name` is a context ID (`CJ...`/`CP...`), an owner ID "
    "(`J...`/`P...`) or an owner name (1-200 letters, digits, `_`, `.`, `-`); a pipeline's "
    "context is its last step's output. Each reference is replaced at run time by a reference "
    "to an environment variable holding the context's content (`${ORCH_CTX_1}` on POSIX: "
    'quote it, `"$$(name)"`, to keep the text as one word), so context text is never run '
    "as shell code. A reference that matches nothing, or a name that is both a job's and a "
    "pipeline's, fails the run before it starts (no attempt), with an `error` that names it."
)

JOB_EXAMPLE = {
    "name": "nightly-report",
    "command": 'python report.py --input "$$(extract-data)"',
    "workdir": "/srv/reports",
    "timeout": 600,
    "max_attempts": 3,
    "retry_delay": 30,
    "env": {"REPORT_FORMAT": "pdf"},
    "secret_env": {"SMTP_PASSWORD": "s3cret"},
    "description": "Builds the nightly sales report.",
    "tags": ["reports", "nightly"],
    "enabled": True,
    "max_concurrent": 1,
    "max_output_bytes": None,
    "resources": {},
}

JOB_OUTPUT_EXAMPLE = {
    **JOB_EXAMPLE,
    "secret_env": {"SMTP_PASSWORD": "***"},
    "id": "J7K2M9QXA",
    "context_id": "CJ7K2M9QXA",
    "created_at": TIME_EXAMPLE,
    "updated_at": TIME_EXAMPLE,
    "created_by": "admin",
    "state": "succeeded",
    "last_run_id": "R0F3K8Z1M2N4Q",
    "next_run_at": None,
}


def job_fields(patch: bool) -> dict[str, Schema]:
    """The fields a client sets; a patch may also send back the `***` mask of a secret."""
    secret = "Secret environment variables, encrypted at rest and always shown as `***`."
    if patch:
        secret += " A value equal to `***` keeps the stored secret."
    return {
        "name": name_field(
            "Unique among jobs; usable wherever a job ID is. No leading or trailing white space."
        ),
        "command": {"type": "string", "minLength": 1, "description": COMMAND_TEXT},
        "workdir": {
            "type": "string",
            "minLength": 1,
            "maxLength": 4096,
            "description": "Absolute path of the working directory. A missing directory fails "
            "the run with a clear error.",
        },
        "timeout": seconds(
            "Wall time allowed for each attempt; past it the process tree is killed and the "
            "run ends `timed_out`. Default: configuration `jobs.default_timeout` (3600). "
            "At most 604800 (7 days).",
            exclusiveMinimum=0,
            maximum=604800,
        ),
        "max_attempts": {
            "type": "integer",
            "minimum": 1,
            "maximum": 100,
            "description": "Attempts before the run fails (1 = no retry). Default: "
            "configuration `jobs.default_max_attempts` (1).",
        },
        "retry_delay": seconds(
            "Wait between attempts. Default: configuration `jobs.default_retry_delay` (0). "
            "At most 86400 (1 day).",
            minimum=0,
            maximum=86400,
        ),
        "env": string_map("Extra environment variables for the command."),
        "secret_env": string_map(secret),
        **note_fields(),
        "enabled": {
            "type": "boolean",
            "default": True,
            "description": "A disabled job is kept, but running it directly is a 409.",
        },
        "max_concurrent": {
            "type": "integer",
            "minimum": 1,
            "maximum": 1000,
            "default": 1,
            "description": "How many runs of this job may run at once; more wait `queued`. "
            "A schedule fire that finds this many runs scheduled, queued or running (its "
            "runs as a pipeline step and planned `at` runs included) skips the job, and logs "
            "it.",
        },
        "max_output_bytes": {
            "type": ["integer", "null"],
            "minimum": 1,
            "maximum": 1073741824,
            "default": None,
            "description": "Bytes of stdout and of stderr kept whole for each run; past it, "
            "the first 64 KiB and the end are kept and the gap is marked. null: configuration "
            "`jobs.max_output_bytes` (1 MiB).",
        },
        "resources": {
            "type": "object",
            "propertyNames": {"pattern": "^[A-Za-z_][A-Za-z0-9_.-]{0,63}$"},
            "additionalProperties": {"type": "number", "exclusiveMinimum": 0, "maximum": 1e9},
            "maxProperties": 32,
            "default": {},
            "examples": [{"gpu": 1}],
            "description": "Worker resources each attempt needs, by name (Dask worker "
            'resources: `dask worker --resources "gpu=1"`). With `execution.executor: dask` '
            "an attempt runs only on a worker that offers them; while no connected worker "
            'does, the run waits `queued` with `waiting: "no worker offers gpu=1"`. The '
            "local executor ignores them.",
        },
    }


def schemas() -> dict[str, Schema]:
    job_id = {"type": "string", "pattern": f"^J{B32}{{8}}$", "examples": ["J7K2M9QXA"]}
    output = {
        **job_fields(patch=False),
        "id": job_id,
        "context_id": {"type": "string", "pattern": f"^CJ{B32}{{8}}$"},
        "created_at": timestamp("When the job was created."),
        "updated_at": timestamp("When the job was last changed."),
        "created_by": {"type": "string", "description": "Username of the creator."},
        "state": ref("JobState"),
        "last_run_id": {"type": ["string", "null"], "pattern": f"^R{B32}{{12}}$"},
        "next_run_at": maybe_time(
            "The earliest planned start, if any: a run planned with `at`, or the next fire of "
            "an enabled schedule that targets the job."
        ),
    }
    return {
        **definition_schemas(
            "Job",
            job_fields(patch=False),
            ["name", "command", "workdir"],
            "A new job, or the full replacement of one (`PUT`): optional fields left out take "
            "their defaults.",
            "Only the fields sent change; the rest stay.",
            output,
            patch_fields=job_fields(patch=True),
        ),
        "RunRequest": obj(
            {
                "at": timestamp(
                    "Start at this time instead of now; a future time makes a `scheduled` run."
                ),
                "env": string_map(
                    "Extra environment variables for this run only (for a pipeline run, for "
                    "the job run of each of its steps). Stored as given, in plain text: put "
                    "passwords and tokens in `secret_env`."
                ),
                "secret_env": string_map(
                    "Secret environment variables for this run only, on top of `env`: "
                    "encrypted in the store, shown as `***` in every answer, reused by a retry "
                    "of the run (and passed to each step of a pipeline run)."
                ),
            }
        ),
    }
