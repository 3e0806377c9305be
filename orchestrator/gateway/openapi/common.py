"""Small builders shared by every part of the OpenAPI document.

The document is plain data; these helpers keep each resource module short and make every
operation follow the same pattern: JSON bodies, the shared error envelope, the same parameters.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

# Crockford base32 as the server prints it (upper case; input may be any case).
B32 = "[0-9A-HJKMNP-TV-Z]"
ANY_CASE = "An ID in any case (Crockford's I, L and O are read as 1, 1 and 0)"

ERRORS: dict[int, tuple[str, str, str]] = {
    400: ("BadRequest", "invalid_json", "The body is not valid JSON, or a field is invalid."),
    401: ("Unauthorized", "unauthorized", "No valid API key or session token was sent."),
    403: ("Forbidden", "forbidden", "Your role does not allow this action."),
    404: ("NotFound", "not_found", "No such resource."),
    409: ("Conflict", "conflict", "The request conflicts with the current state."),
    413: ("PayloadTooLarge", "payload_too_large", "The request body is too large."),
    422: ("InvalidReference", "invalid_reference", "A reference points at nothing."),
    429: ("TooManyRequests", "too_many_requests", "Too many requests; try again later."),
    500: ("InternalError", "internal_error", "The server failed; the error is in its log."),
    503: ("Unavailable", "unavailable", "The server cannot take this request now."),
}


def ref(name: str) -> Schema:
    """A reference to a schema in `components.schemas`."""
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    """The same schema, or null (OpenAPI 3.1 spells it with a type list or `anyOf`)."""
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    if isinstance(schema.get("type"), str):
        return {**schema, "type": [schema["type"], "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def obj(
    properties: dict[str, Schema],
    required: list[str] | None = None,
    *,
    closed: bool = True,
    description: str | None = None,
) -> Schema:
    """An object schema; request bodies are closed because unknown fields are a 400."""
    schema: Schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    if closed:
        schema["additionalProperties"] = False
    if description:
        schema["description"] = description
    return schema


def string_map(description: str) -> Schema:
    return {
        "type": "object",
        "additionalProperties": {"type": "string"},
        "propertyNames": {"minLength": 1},
        "description": description,
    }


def list_of(item: str, description: str) -> Schema:
    """The envelope every list answers with."""
    return obj(
        {
            "items": {"type": "array", "items": ref(item)},
            "total": {
                "type": "integer",
                "minimum": 0,
                "description": "How many match the filters.",
            },
            "next_cursor": {
                "type": ["string", "null"],
                "description": "Pass as `cursor` for the next page; null on the last page.",
            },
        },
        ["items", "total", "next_cursor"],
        description=description,
    )


def json_content(schema: Schema, example: Any = None) -> dict[str, Any]:
    """A JSON media type; a dict of `Example` objects as `example` becomes named `examples`."""
    media: dict[str, Any] = {"schema": schema}
    if isinstance(example, Examples):
        media["examples"] = dict(example)
    elif example is not None:
        media["example"] = example
    return {"application/json": media}


class Examples(dict):
    """Named examples (name -> {"summary", "value"}), for answers that come in several forms."""

    @classmethod
    def of(cls, **named: tuple[str, Any]) -> Examples:
        return cls(
            {name: {"summary": summary, "value": value} for name, (summary, value) in named.items()}
        )


def reply(description: str, schema: Schema | None = None, example: Any = None) -> dict[str, Any]:
    """A response object; without a schema it has no body (204)."""
    response: dict[str, Any] = {"description": description}
    if schema is not None:
        response["content"] = json_content(schema, example)
    return response


def body(schema: Schema, example: Any, *, required: bool = True, description: str = "") -> dict:
    request: dict[str, Any] = {"required": required, "content": json_content(schema, example)}
    if description:
        request["description"] = description
    return request


def param(
    name: str, where: str, schema: Schema, description: str, *, required: bool = False, **extra
) -> dict[str, Any]:
    parameter = {"name": name, "in": where, "description": description, "schema": schema}
    if required or where == "path":
        parameter["required"] = True
    parameter.update(extra)
    return parameter


def path_id(what: str, example: str, *, by_name: bool = True) -> dict[str, Any]:
    accepted = f"{ANY_CASE} or the unique name." if by_name else f"{ANY_CASE}."
    schema = {"type": "string", "minLength": 1}
    return param("id", "path", schema, f"{what}. {accepted}", example=example)


def shared_param(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/parameters/{name}"}


def operation(
    description: str,
    responses: dict[str, Any],
    *,
    parameters: list[dict[str, Any]] | None = None,
    request: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """What the document says of one operation besides its route's declaration: the ID, tag,
    summary, error answers and role come from the handler (`access.apply_routes` adds them)."""
    op: dict[str, Any] = {"description": description, "responses": dict(responses)}
    if parameters:
        op["parameters"] = parameters
    if request is not None:
        op["requestBody"] = request
    return op


def error_ref(status: int) -> dict[str, str]:
    return {"$ref": f"#/components/responses/{ERRORS[status][0]}"}


def error_responses() -> dict[str, Any]:
    """`components.responses`: one per error status, each with the envelope and an example."""
    responses = {}
    for status, (name, code, message) in ERRORS.items():
        example: dict[str, Any] = {"error": {"code": code, "message": message, "details": {}}}
        if status == 400:
            example["error"] = {
                "code": "validation_error",
                "message": "Invalid input: workdir: must be an absolute path.",
                "details": {"fields": {"workdir": "must be an absolute path"}},
            }
        responses[name] = reply(message, ref("Error"), example)
    return responses
