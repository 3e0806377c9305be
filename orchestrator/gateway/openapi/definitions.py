"""Builders shared by the definition kinds (jobs, pipelines, schedules, webhooks).

Every kind has the same create, list, read, replace, patch, delete and copy operations with the
same IDs, summaries and answers; jobs and pipelines also run the same way. Building them in one
place keeps the kinds alike, and each kind's module keeps only what is its own: the texts and
the examples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from orchestrator.gateway.openapi.backlog import too_many_runs
from orchestrator.gateway.openapi.common import (
    Schema,
    body,
    list_of,
    obj,
    operation,
    param,
    path_id,
    ref,
    reply,
)
from orchestrator.gateway.openapi.common import shared_param as shared

NAME_FILTER = param("q", "query", {"type": "string"}, "Substring of the name (any case).")


@dataclass(frozen=True)
class Kind:
    """One definition kind as the document names it: `job` gives `/jobs`, `Job`, `createJob`."""

    noun: str
    example_id: str
    output_example: dict[str, Any]

    @property
    def plural(self) -> str:
        return f"{self.noun}s"

    @property
    def schema(self) -> str:
        return self.noun.capitalize()

    @property
    def id_param(self) -> dict[str, Any]:
        return path_id(f"{self.schema} ID or name", self.example_id)

    def answer(self, description: str, example: dict | None = None) -> dict[str, Any]:
        """A response with one definition of this kind."""
        return reply(description, ref(self.schema), example or self.output_example)


def filters(kind: Kind, *extra: dict[str, Any], tag: bool = True) -> list[dict[str, Any]]:
    """The query parameters of a list: the tag filter, `extra`, the name filter and paging."""
    by_tag = [param("tag", "query", {"type": "string"}, f"Only {kind.plural} with this tag.")]
    return [*(by_tag if tag else []), *extra, NAME_FILTER, shared("Limit"), shared("Cursor")]


def force_param(description: str) -> dict[str, Any]:
    return param("force", "query", {"type": "boolean", "default": False}, description)


def definition_paths(
    kind: Kind,
    *,
    create: tuple[str, Any],
    listing: tuple[str, list[dict[str, Any]]],
    get: str,
    replace: tuple[str, Any],
    patch: tuple[str, Any],
    delete: tuple[str, str | None],
    copy: tuple[str, str],
    fresh: dict | None = None,
    listed: dict | None = None,
) -> dict[str, Any]:
    """`/<kind>s`, `/<kind>s/{id}` and `/<kind>s/{id}/copy`.

    Each argument is the kind's own part of one operation: its description, then its request
    example as it applies; `delete` ends with the `force` text, or None when the kind has no
    `force`. The errors are the routes' (`gateway/definitions.py`). `fresh` is the example of
    a definition just made (create, copy) when it differs from the usual one; `listed` the
    example of a list page, if any.
    """
    noun, plural, item = kind.noun, kind.plural, kind.id_param
    created = kind.answer(f"The new {noun}.", fresh)
    delete_text, force = delete
    return {
        f"/{plural}": {
            "post": operation(
                create[0],
                {"201": created},
                request=body(ref(f"{kind.schema}Create"), create[1]),
            ),
            "get": operation(
                listing[0],
                {"200": reply(f"A page of {plural}.", ref(f"{kind.schema}List"), listed)},
                parameters=listing[1],
            ),
        },
        f"/{plural}/{{id}}": {
            "parameters": [item],
            "get": operation(get, {"200": kind.answer(f"The {noun}.")}),
            "put": operation(
                replace[0],
                {"200": kind.answer(f"The {noun} as replaced.")},
                request=body(ref(f"{kind.schema}Create"), replace[1]),
            ),
            "patch": operation(
                patch[0],
                {"200": kind.answer(f"The {noun} as changed.")},
                request=body(ref(f"{kind.schema}Patch"), patch[1]),
            ),
            "delete": operation(
                delete_text,
                {"204": reply("Deleted.")},
                parameters=[force_param(force)] if force else None,
            ),
        },
        f"/{plural}/{{id}}/copy": {
            "parameters": [item],
            "post": operation(
                copy[0],
                {"201": kind.answer("The copy.", fresh)},
                request=body(ref(f"{kind.schema}Copy"), {"name": copy[1]}, required=False),
            ),
        },
    }


def run_path(kind: Kind, description: str, finished: Any, queued: Any) -> dict[str, Any]:
    """`/<kind>s/{id}/run`: start a run now or later, and maybe wait for it to finish."""
    return {
        "parameters": [kind.id_param],
        "post": operation(
            description,
            {
                "200": reply("`wait=true`: the finished run.", ref("Run"), finished),
                "202": reply("The run, accepted.", ref("Run"), queued),
                "429": too_many_runs(),
            },
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
    }


def definition_schemas(
    name: str,
    fields: Schema,
    required: list[str],
    create: str,
    patch: str,
    output: Schema,
    *,
    patch_fields: Schema | None = None,
) -> dict[str, Schema]:
    """`<Name>Create`, `<Name>Patch`, `<Name>`, `<Name>List` and `<Name>Copy`."""
    copy_name = {
        "type": "string",
        "minLength": 1,
        "maxLength": 100,
        "description": "Name of the copy; default `<name>-copy`.",
    }
    return {
        f"{name}Create": obj(fields, required, description=create),
        f"{name}Patch": obj(fields if patch_fields is None else patch_fields, description=patch),
        name: obj(output, list(output), closed=False),
        f"{name}List": list_of(name, f"A page of {name.lower()}s, in creation order."),
        f"{name}Copy": obj({"name": copy_name}),
    }


def name_field(description: str) -> Schema:
    """The `name` every kind has: unique, and without white space at either end."""
    return {
        "type": "string",
        "minLength": 1,
        "maxLength": 100,
        "pattern": r"^\S(.*\S)?$",
        "description": description,
    }


def note_fields() -> dict[str, Schema]:
    """`description` and `tags`, the free notes every kind but webhooks carries."""
    return {
        "description": {"type": "string", "maxLength": 2000, "default": ""},
        "tags": {
            "type": "array",
            "items": {"type": "string", "minLength": 1, "maxLength": 100},
            "description": "Labels to filter by; duplicates are dropped.",
        },
    }
