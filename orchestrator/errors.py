"""The one exception root of the server, with one subclass per HTTP-visible failure.

The gateway maps these to API.md's error envelope in a single middleware, so code anywhere can
raise a domain error without knowing about HTTP.
"""

from typing import Any


class OrchestratorError(Exception):
    """Root of every error the server raises on purpose."""

    status = 500
    code = "internal_error"

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class ConfigError(OrchestratorError):
    """The configuration has an unknown key or a bad value."""

    status = 400
    code = "config_error"


class ValidationError(OrchestratorError):
    """Input does not satisfy the model; `details["fields"]` maps each field to its problem."""

    status = 400
    code = "validation_error"

    def __init__(self, fields: dict[str, str], message: str | None = None) -> None:
        summary = "; ".join(f"{name}: {problem}" for name, problem in fields.items())
        super().__init__(message or f"Invalid input: {summary}.", {"fields": fields})
        self.fields = fields


class InvalidJson(OrchestratorError):
    status = 400
    code = "invalid_json"


class Unauthorized(OrchestratorError):
    status = 401
    code = "unauthorized"


class Forbidden(OrchestratorError):
    status = 403
    code = "forbidden"


class NotFound(OrchestratorError):
    status = 404
    code = "not_found"


class MethodNotAllowed(OrchestratorError):
    status = 405
    code = "method_not_allowed"


class Conflict(OrchestratorError):
    status = 409
    code = "conflict"


class PayloadTooLarge(OrchestratorError):
    status = 413
    code = "payload_too_large"


class InvalidReference(OrchestratorError):
    """A reference (job in a pipeline, `$$()` context) points at nothing or at several things."""

    status = 422
    code = "invalid_reference"


class Unavailable(OrchestratorError):
    status = 503
    code = "unavailable"
