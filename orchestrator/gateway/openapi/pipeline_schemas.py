"""Schemas of pipelines: the step DAG a client sends, the pipeline the server answers with, and
the pipeline parts of runs (their steps) and of contexts (each step's job context)."""

from __future__ import annotations

from orchestrator.gateway.openapi.common import B32, Schema, nullable, obj, ref
from orchestrator.gateway.openapi.definitions import definition_schemas, name_field, note_fields
from orchestrator.gateway.openapi.run_schemas import CONTEXT_EXAMPLE, RUN_ID, context_fields
from orchestrator.gateway.openapi.schemas import RUN_STATES, maybe_time, timestamp
from orchestrator.models import states

STEP_STATES = list(states.STEP_STATES)
STEPS_TEXT = """The steps, at least one (at most 1000), each running one job. Without
`depends_on` a step depends on the step before it (so a plain list is a chain); `"depends_on":
[]` makes it a root. A step starts once every step it depends on has succeeded; steps whose
dependencies are met run in parallel. Errors: a duplicate step `id`, a `depends_on` naming an
unknown step or the step itself, or a cycle (the message gives its path, `a -> b -> a`) are a
400 `validation_error`; a job that does not exist is a 422 `invalid_reference`. The pipeline's
context (its final output) is the output of the **last step in this list**, whatever the
order in which the steps finish."""


def pipeline_fields() -> dict[str, Schema]:
    """The fields a client sets, on create, replace and patch alike."""
    return {
        "name": name_field(
            "Unique among pipelines; usable wherever a pipeline ID is. A job "
            "may carry the same name, but then the name is ambiguous where both kinds are "
            "accepted (`$$(name)`, `GET /contexts/{id}`, `GET /runs?owner=`): use an ID there."
        ),
        "steps": {
            "type": "array",
            "minItems": 1,
            "maxItems": 1000,
            "items": ref("StepInput"),
            "description": STEPS_TEXT,
        },
        "max_attempts": {
            "type": "integer",
            "minimum": 1,
            "maximum": 100,
            "default": 1,
            "description": "How many times a failed step is tried (1 = no retry). Each retry "
            "is a new job run of that step; the job's own `max_attempts` and `retry_delay` "
            "still apply inside each of those runs.",
        },
        "on_failure": {
            "type": "string",
            "enum": ["stop", "continue"],
            "default": "stop",
            "description": "When a step fails for good: `stop` starts no further step (steps "
            "already running finish; every step not started is `skipped`); `continue` skips "
            "only the steps that depend on the failed one, directly or not, and runs the "
            "rest. Either way the pipeline run ends `failed`.",
        },
        "max_concurrent": {
            "type": "integer",
            "minimum": 1,
            "maximum": 1000,
            "default": 1,
            "description": "How many runs of this pipeline a schedule lets go at once: a "
            "schedule fire that finds this many runs scheduled, queued or running (whoever "
            "started them) skips the pipeline, and logs it. Runs asked for through the API "
            "are not held back; each step's job keeps its own `max_concurrent`.",
        },
        **note_fields(),
        "enabled": {
            "type": "boolean",
            "default": True,
            "description": "A disabled pipeline is kept, but running it is a 409.",
        },
    }


def schemas() -> dict[str, Schema]:
    step_id = {"type": "string", "pattern": r"^[A-Za-z0-9_.-]{1,100}$", "description": "Step id."}
    job_id = {"type": "string", "pattern": f"^J{B32}{{8}}$"}
    depends = {"type": "array", "items": step_id, "description": "Ids of the steps it waits for."}
    output = {
        **pipeline_fields(),
        "steps": {**pipeline_fields()["steps"], "items": ref("Step")},
        "id": {"type": "string", "pattern": f"^P{B32}{{8}}$", "examples": ["P6R8T0V2X"]},
        "context_id": {"type": "string", "pattern": f"^CP{B32}{{8}}$"},
        "created_at": timestamp("When the pipeline was created."),
        "updated_at": timestamp("When the pipeline was last changed."),
        "created_by": {"type": "string", "description": "Username of the creator."},
        "state": ref("PipelineState"),
        "last_run_id": nullable(RUN_ID),
        "next_run_at": maybe_time(
            "The earliest planned start, if any: a run planned with `at`, or the next fire of "
            "an enabled schedule that targets the pipeline."
        ),
    }
    step_run = {
        "id": step_id,
        "job_id": job_id,
        "run_id": nullable({**RUN_ID, "description": "The step's latest job run, if any."}),
        "state": ref("StepState"),
        "attempts": {
            "type": "integer",
            "minimum": 0,
            "description": "Job runs started for this step (up to the pipeline's `max_attempts`).",
        },
    }
    context_step = {
        "step": step_id,
        "job_id": job_id,
        "context": nullable(ref("JobContext")),
    }
    return {
        "StepInput": obj(
            {
                "id": step_id,
                "job": {"type": "string", "minLength": 1, "description": "Job ID or name."},
                "depends_on": {
                    **depends,
                    "description": "Ids of the steps this one waits for. Left out: the "
                    "previous step (none for the first); `[]`: a root.",
                },
            },
            ["id", "job"],
        ),
        "Step": obj(
            {
                "id": step_id,
                "job": {
                    **job_id,
                    "description": "The job's ID (stored as ID, so renaming "
                    "the job does not break the pipeline).",
                },
                "depends_on": {**depends, "description": "Resolved: never left out."},
                "job_name": {
                    "type": ["string", "null"],
                    "description": "The job's current name; null if the job was deleted "
                    "with `force=true` (the step then fails when it runs).",
                },
            },
            ["id", "job", "depends_on", "job_name"],
            closed=False,
        ),
        **definition_schemas(
            "Pipeline",
            pipeline_fields(),
            ["name", "steps"],
            "A new pipeline, or the full replacement of one (`PUT`): optional fields left out "
            "take their defaults.",
            "Only the fields sent change; `steps`, if sent, replaces the whole list.",
            output,
        ),
        "PipelineState": {
            "type": "string",
            "enum": [*RUN_STATES, states.NEVER_RUN],
            "description": "State of the pipeline's latest run, or `never_run`.",
        },
        "StepState": {
            "type": "string",
            "enum": STEP_STATES,
            "description": "A step is `pending` until its dependencies are met, then takes "
            "the states of its job run (`queued`, `running`, then `succeeded`, `failed`, "
            "`timed_out`, `cancelled` or `interrupted`). It is `skipped` when it will not "
            "run: a step it depends on did not succeed, or the run stopped (`on_failure: "
            "stop`, cancel).",
        },
        "StepRun": obj(step_run, list(step_run), closed=False, description="One step of a run."),
        "PipelineContext": obj(
            {
                **context_fields(),
                "kind": {"type": "string", "const": "pipeline"},
                "steps": {
                    "type": "array",
                    "items": obj(context_step, list(context_step), closed=False),
                    "description": "Each step's job context as that run left it (null for a "
                    "step that was skipped or cancelled). Left out until the pipeline has run.",
                },
            },
            list(CONTEXT_EXAMPLE),
            closed=False,
            description="A pipeline's context: `content` is the output of the last step in "
            "`steps` order (empty if that step did not run); `attempts` counts the job runs "
            "of all steps; `exit_code` is the last step's.",
        ),
    }
