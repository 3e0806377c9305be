"""Paths and schemas of a run's output: read it during and after the run, and follow it (SSE)."""

from __future__ import annotations

from typing import Any

from orchestrator.gateway.openapi.common import obj, operation, param, path_id, ref, reply

RUN_ID = path_id("Run ID", "R0F3K8Z1M2N4Q", by_name=False)
STREAM = param(
    "stream",
    "query",
    {"type": "string", "enum": ["stdout", "stderr"]},
    "Read one stream only, from `offset`: the answer is a `RunOutputPart`.",
)
OFFSET = param(
    "offset",
    "query",
    {"type": "integer", "minimum": 0},
    "With `stream`: the byte of the stream to read from (a `next_offset` answered before). "
    "Offsets count the bytes the job wrote; one that fell into a dropped part reads as the gap "
    "marker followed by the end kept.",
)
LAST_EVENT_ID = param(
    "last_event_id",
    "query",
    {"type": "string", "pattern": r"^(o\d+\.e\d+|R\w+:o\d+\.e\d+(,R\w+:o\d+\.e\d+)*)$"},
    "Resume after this event id (for clients that cannot send the `Last-Event-ID` header, "
    "which does the same): `o<bytes>.e<bytes>` for a job run, `<step run ID>:o<bytes>.e<bytes>` "
    "joined by commas for a pipeline run.",
    example="o1024.e0",
)
CAP = (
    "Each stream is kept whole up to `jobs.max_output_bytes` (default 1 MiB; a job's own "
    "`max_output_bytes` overrides it). Past that, its first 64 KiB and its end are kept, with "
    "the line `[... N bytes dropped ...]` between them. Values of the job's `secret_env` and "
    "of the run's `secret_env` read `***`."
)
STREAM_EXAMPLE = (
    ": connected\n\n"
    "event: output\nid: o12.e0\n"
    'data: {"stream": "stdout", "text": "step 1 done\\n", "time": "2024-05-01T12:00:01.2Z"}\n\n'
    "event: end\n"
    'data: {"state": "succeeded", "exit_code": 0, "run_id": "R0F3K8Z1M2N4Q"}\n\n'
)


def paths() -> dict[str, Any]:
    example = {"stdout": "step 1 done\n", "stderr": "", "truncated": False, "complete": False}
    example["dropped"] = {"stdout": 0, "stderr": 0}
    part = {"stream": "stdout", "offset": 0, "text": "step 1 done\n", "next_offset": 12}
    part.update(complete=False, truncated=False)
    output = {"oneOf": [ref("RunOutput"), ref("RunOutputPart")]}
    return {
        "/runs/{id}/output": {
            "parameters": [RUN_ID],
            "get": operation(
                "The stdout and stderr of the run written so far: during the run too, with "
                "`complete: false` until it has ended. A retried run keeps the output of every "
                f"attempt. {CAP} With `stream` (and `offset`), one stream from a byte on.",
                {"200": reply("The output (or a part of one stream).", output, example)},
                parameters=[STREAM, OFFSET],
            ),
        },
        "/runs/{id}/output/stream": {
            "parameters": [RUN_ID],
            "get": operation(
                "Server-Sent Events: the output from the start (or after `Last-Event-ID`) and "
                "then as it is written. Each `output` event's `data` is one piece of one stream "
                '(`{"stream", "text", "time"}`) and its `id` the position after it in both '
                "streams (`o<stdout bytes>.e<stderr bytes>`): a client that reconnects with it "
                "misses nothing and gets nothing twice. Once the run has ended and everything "
                'was sent, one `end` event (`{"state", "exit_code", "run_id"}`) and the stream '
                "closes; a finished run replays and ends at once. A comment line every 15 "
                "seconds keeps the connection alive. For a pipeline run, the stream carries "
                "every step's output as it is written, each `output` event naming its step and "
                'step run (`{"stream", "text", "time", "step", "run_id"}`); its `id` is then '
                "the position in each step run (`<run ID>:o<bytes>.e<bytes>` joined by commas; "
                "a step run it does not name resumes from its start), and `end` comes once the "
                f"pipeline run has ended, with the pipeline run's state. {CAP}",
                {
                    "200": {
                        "description": "An event stream that ends with the run.",
                        "content": {
                            "text/event-stream": {
                                "schema": {"type": "string"},
                                "example": STREAM_EXAMPLE,
                            }
                        },
                    }
                },
                parameters=[LAST_EVENT_ID],
            ),
        },
    }


def schemas() -> dict[str, Any]:
    streams = {"stdout": {"type": "integer", "minimum": 0}, "stderr": {"type": "integer"}}
    return {
        "RunOutput": obj(
            {
                "stdout": {"type": "string"},
                "stderr": {"type": "string"},
                "truncated": {
                    "type": "boolean",
                    "description": "True when a stream passed its cap and its middle was dropped.",
                },
                "complete": {
                    "type": "boolean",
                    "description": "False while the run may still write (queued or running).",
                },
                "dropped": obj(streams, ["stdout", "stderr"], description="Bytes left out."),
            },
            ["stdout", "stderr", "truncated", "complete", "dropped"],
        ),
        "RunOutputPart": obj(
            {
                "stream": {"type": "string", "enum": ["stdout", "stderr"]},
                "offset": {"type": "integer", "minimum": 0},
                "text": {"type": "string"},
                "next_offset": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Where to read next: the stream's position after `text`.",
                },
                "complete": {"type": "boolean"},
                "truncated": {"type": "boolean"},
            },
            ["stream", "offset", "text", "next_offset", "complete", "truncated"],
        ),
    }
