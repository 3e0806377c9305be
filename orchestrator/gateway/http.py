"""Small helpers every resource module uses: reading JSON bodies and query values, replying."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from aiohttp import web

from orchestrator import json_codec
from orchestrator.errors import InvalidJson, ValidationError
from orchestrator.gateway.input_guard import parse_json
from orchestrator.gateway.keys import SERVICES, Services
from orchestrator.models.fields import parse_time


def services(request: web.Request) -> Services:
    return request.app[SERVICES]


def user_of(request: web.Request) -> str:
    return request["principal"]["username"]


async def read_json(request: web.Request, *, optional: bool = False) -> Any:
    """The request's JSON body; None for an empty body when `optional`."""
    raw = await request.read()
    if not raw.strip():
        if optional:
            return None
        raise InvalidJson("The request needs a JSON body.")
    return parse_json(raw)


# Where a JSON answer keeps the value it was made from, so the audit trail reads it without
# parsing the body again (aiohttp responses carry a mapping of their own for such data).
REPLIED = "orchestrator.replied"


def reply(data: Any, status: int = 200) -> web.Response:
    response = web.json_response(data, status=status, dumps=json_codec.dumps)
    response[REPLIED] = data
    return response


def query_bool(request: web.Request, name: str) -> bool:
    value = request.query.get(name, "false").lower()
    if value not in ("true", "false", "1", "0", "yes", "no"):
        raise ValidationError({name: "must be true or false"})
    return value in ("true", "1", "yes")


def query_float(request: web.Request, name: str, default: float, maximum: float) -> float:
    value = request.query.get(name)
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        number = -1
    if not 0 < number <= maximum:
        raise ValidationError({name: f"must be a number of seconds from 0 to {maximum:g}"})
    return number


def query_time(request: web.Request, name: str) -> str | None:
    """A time filter, normalised to the store's ISO format so strings compare in order."""
    value = request.query.get(name)
    if value is None:
        return None
    parsed = parse_time(value)
    if parsed is None:
        raise ValidationError({name: "must be an ISO 8601 date and time"})
    # Stored times are UTC; comparing their text only works with the same offset.
    return parsed.astimezone(UTC).isoformat(timespec="milliseconds")


def query_choice(request: web.Request, name: str, choices: set[str]) -> str | None:
    value = request.query.get(name)
    if value is not None and value not in choices:
        raise ValidationError({name: f"must be one of {', '.join(sorted(choices))}"})
    return value


def check_limit(value: str | None, default: int = 100, maximum: int = 1000) -> int:
    """A `limit` query value: an integer from 1 to `maximum`, `default` when absent."""
    if value is None:
        return default
    if not value.isdigit() or not 1 <= int(value) <= maximum:
        raise ValidationError({"limit": f"must be an integer from 1 to {maximum}"})
    return int(value)
