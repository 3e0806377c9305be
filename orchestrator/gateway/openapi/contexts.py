"""Paths of contexts: the saved stdout of each job's and pipeline's latest run, read and reset."""

from __future__ import annotations

from typing import Any

from orchestrator.gateway.openapi.common import operation, param, path_id, ref, reply
from orchestrator.gateway.openapi.common import shared_param as shared
from orchestrator.gateway.openapi.run_schemas import CONTEXT_EXAMPLE

TAG = {
    "name": "contexts",
    "description": "A context is the console output (stdout) of its owner's latest run. Each "
    "job has exactly one (`CJ` plus the job ID's 8 characters), each pipeline too (`CP` plus "
    "the pipeline ID's); it is empty until the owner has run. A job command reads one with "
    "`$$(name)`, where `name` is a context ID, an owner ID or an owner name: the reference is "
    "replaced at run time by an environment variable holding the content, so context text is "
    "never run as shell code, and a reference that matches nothing fails the run before it "
    "starts.",
}
CONTEXT_ID = path_id("Context ID, or its owner's ID or name", "CJ7K2M9QXA")
EMPTY = {
    **CONTEXT_EXAMPLE,
    **dict.fromkeys(["run_id", "generated_at", "duration", "exit_code", "state", "attempts"]),
    "content": "",
    "size": 0,
}


def paths() -> dict[str, Any]:
    reset = {
        "summary": "Empty the context",
        "description": "Empty the context and clear the details of its generation; the "
        "owner's run history stays.",
        "responses": {"200": reply("The empty context.", ref("Context"), EMPTY)},
    }
    return {
        "/contexts": {
            "get": operation(
                "listContexts",
                "contexts",
                "List contexts",
                "Contexts of every job and pipeline, including empty ones.",
                {"200": reply("A page of contexts.", ref("ContextList"))},
                errors=(400,),
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
                "getContext",
                "contexts",
                "Get a context",
                "The content and the details of how it was produced.",
                {"200": reply("The context.", ref("Context"), CONTEXT_EXAMPLE)},
                errors=(404,),
            ),
            "delete": operation(
                "deleteContext",
                "contexts",
                reset["summary"],
                f"{reset['description']} The same as `POST /contexts/{{id}}/reset`.",
                reset["responses"],
                errors=(404,),
                role="writer",
            ),
        },
        "/contexts/{id}/reset": {
            "parameters": [CONTEXT_ID],
            "post": operation(
                "resetContext",
                "contexts",
                reset["summary"],
                reset["description"],
                reset["responses"],
                errors=(404,),
                role="writer",
            ),
        },
    }
