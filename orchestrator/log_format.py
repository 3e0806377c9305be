"""How one log record becomes text (files, console) and a dict (buffer, live stream).

A record is rendered at most once, and only when a handler actually emits it: the line is cached
on the record, so four files, the console and the buffer share the work, and records below the
current level never reach this module at all (at debug level the server emits thousands of
records per second). The files themselves are `orchestrator.log_files`.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from orchestrator.log_buffer import LogBuffer

# Name of the LogRecord attribute that carries structlog's key/value fields.
FIELDS_ATTR = "orch_fields"
_LINE_ATTR = "_orch_line"
_TEXT_ATTR = "_orch_fields_text"
_TIME_ATTR = "_orch_time"
_PLAIN = (str, int, float, bool, type(None))


def iso_time(record: logging.LogRecord) -> str:
    """The record's time as "2026-11-27T10:00:00.123+00:00", rendered once per record."""
    cached = record.__dict__.get(_TIME_ATTR)
    if cached is None:
        moment = datetime.fromtimestamp(record.created, UTC)
        cached = record.__dict__[_TIME_ATTR] = moment.isoformat(timespec="milliseconds")
    return cached


def render_value(value: Any) -> str:
    """A field value as it appears after `key=`: bare when unambiguous, double-quoted otherwise."""
    text = value if isinstance(value, str) else str(value)
    if text and not any(ch.isspace() or ch in '"=' for ch in text):
        return text
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"'


def public_level(levelno: int) -> str:
    """The API's name for a level: third-party CRITICAL (or custom levels) fold into the four."""
    if levelno >= logging.ERROR:
        return "error"
    if levelno >= logging.WARNING:
        return "warning"
    return "info" if levelno >= logging.INFO else "debug"


def json_safe(value: Any) -> Any:
    """The value as the API can serialize it: JSON scalars, lists and objects; the rest as text."""
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(item) for item in value]
    return str(value)


def fields_text(record: logging.LogRecord) -> str:
    """The record's fields as "job_id=J123 name=backup", rendered once per record."""
    cached = record.__dict__.get(_TEXT_ATTR)
    if cached is None:
        fields = record.__dict__.get(FIELDS_ATTR) or {}
        cached = " ".join(f"{key}={render_value(value)}" for key, value in fields.items())
        record.__dict__[_TEXT_ATTR] = cached
    return cached


def one_line(text: str) -> str:
    """Keep a message on its line, so a value from a user cannot forge further log lines."""
    if "\n" in text or "\r" in text:
        return text.replace("\r", "\\r").replace("\n", "\\n")
    return text


class LineFormatter(logging.Formatter):
    """`<time> <LEVEL>   <logger>: <message> <key=value...>`, then a traceback on its own lines."""

    def format(self, record: logging.LogRecord) -> str:
        cached = record.__dict__.get(_LINE_ATTR)
        if cached is not None:
            return cached
        line = f"{iso_time(record)} {record.levelname:<7} {record.name}: "
        line += one_line(record.getMessage())
        extra = fields_text(record)
        if extra:
            line += " " + extra
        trace = self.trace(record)
        if trace:
            line += "\n" + trace
        record.__dict__[_LINE_ATTR] = line
        return line

    def trace(self, record: logging.LogRecord) -> str:
        """The exception and stack text of the record, or ""; cached like the stdlib does."""
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        parts = [record.exc_text] if record.exc_text else []
        if record.stack_info:
            parts.append(self.formatStack(record.stack_info))
        return "\n".join(parts)


class BufferHandler(logging.Handler):
    """Turns each emitted record into the API's log dict and adds it to a LogBuffer."""

    def __init__(self, buffer: LogBuffer, formatter: LineFormatter) -> None:
        super().__init__()
        self.buffer = buffer
        self.line_formatter = formatter

    def emit(self, record: logging.LogRecord) -> None:
        try:
            fields = record.__dict__.get(FIELDS_ATTR) or {}
            safe = {str(key): json_safe(value) for key, value in fields.items()}
            trace = self.line_formatter.trace(record)
            if trace:
                safe["exception"] = trace
            entry = {
                "seq": 0,
                "time": iso_time(record),
                "level": public_level(record.levelno),
                "logger": record.name,
                "message": record.getMessage(),
                "fields": safe,
            }
            self.buffer.add(entry, record.levelno, record.created, fields_text(record))
        except Exception:
            self.handleError(record)
