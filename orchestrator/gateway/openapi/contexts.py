"""Paths of contexts: the saved stdout of each job's and pipeline's latest run, read and reset."""

from __future__ import annotations

from typing import Any

from orchestrator.gateway.openapi.common import Examples, operation, param, path_id, ref, reply
from orchestrator.gateway.openapi.common import shared_param as shared
from orchestrator.gateway.openapi.pipeline_examples import PIPELINE_CONTEXT_EXAMPLE
from orchestrator.gateway.openapi.run_schemas import CONTEXT_EXAMPLE

TAG = {
    "name": "contexts",
    "description": "A context is the console output (stdout) of its owner's latest run. Each "
    "job has exactly one (`CJ` plus the job ID's 8 characters), each pipeline too (`CP` plus "
    "the pipeline ID's); it is empty until the owner has run. A job's context is replaced by "
    "each of its runs that ends `succeeded`, `failed` or `timed_out` after running an attempt, "
    "pipeline steps included. A pipeline's context is replaced by each of its runs that ends "
    "`succeeded` or `failed`: `content` is the output of the pipeline's last step in `steps` "
    "order, and `steps` holds each step's job context as that run left it.\n\n"
    "A job command reads a context with `$$(name)`, where `name` is a context ID (`CJ...`, "
    "`CP...`), an owner ID (`J...`, `P...`) or an owner name; for a pipeline it reads the "
    "pipeline's `content`. The reference is replaced at run time by an environment variable "
    "holding the content, so context text is never run as shell code. A reference that "
    "matches nothing, or a name that is both a job's and a pipeline's, fails the run before "
    "it starts (no attempt; `error` names the reference); use an ID to tell them apart.",
}
CONTEXT_ID = path_id("Context ID, or its owner's ID or name", "CJ7K2M9QXA")
EMPTY = {
    **CONTEXT_EXAMPLE,
    **dict.fromkeys(["run_id", "generated_at", "duration", "exit_code", "state", "attempts"]),
    "content": "",
    "size": 0,
}


def paths() -> dict[str, Any]:
    examples = Examples.of(
        job=("A job's context", CONTEXT_EXAMPLE),
        pipeline=("A pipeline's context", PIPELINE_CONTEXT_EXAMPLE),
        empty=("The context of a job that never ran", EMPTY),
    )
    reset = {
        "summary": "Empty the context",
        "description": "Empty the context and clear the details of its generation; the "
        "owner's run history stays. A name that is both a job's and a pipeline's is a 409.",
        "responses": {"200": reply("The empty context.", ref("Context"), EMPTY)},
    }
    return {
        "/contexts": {
            "get": operation(
                "Contexts of every job and pipeline, including empty ones: jobs first, then "
                "pipelines, each in creation order.",
                {"200": reply("A page of contexts.", ref("ContextList"))},
                parameters=[
                    param(
                        "kind",
                        "query",
                        {"type": "string", "enum": ["job", "pipeline"]},
                        "Only contexts of jobs, or only of pipelines.",
                    ),
                    shared("Limit"),
                    shared("Cursor"),
                ],
            )
        },
        "/contexts/{id}": {
            "parameters": [CONTEXT_ID],
            "get": operation(
                "The content and the details of how it was produced. A name that is both a "
                "job's and a pipeline's is a 409; use an ID.",
                {"200": reply("The context.", ref("Context"), examples)},
            ),
            "delete": operation(
                f"{reset['description']} The same as `POST /contexts/{{id}}/reset`.",
                reset["responses"],
            ),
        },
        "/contexts/{id}/reset": {
            "parameters": [CONTEXT_ID],
            "post": operation(
                reset["description"],
                reset["responses"],
            ),
        },
    }
