"""One logger tree for the whole server: structlog in front, stdlib logging behind.

Code calls `get_logger(__name__).info("job created", job_id=...)`. structlog keeps the key/value
fields structured and redacts secrets; stdlib logging does the routing we need: one level that can
change at run time, per-level rotating files, the console, the in-memory buffer behind `GET /logs`,
and third-party loggers (aiohttp, pykka, asyncio) through the same handlers.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import structlog

from orchestrator.log_buffer import LEVELS, LogBuffer, level_number
from orchestrator.log_files import SERVER_FLUSH_EVERY, ConsoleLines, RotatingLogFile
from orchestrator.log_format import FIELDS_ATTR, BufferHandler, LineFormatter

ROOT = "orchestrator"
# Third-party loggers routed through our handlers; the first two get their debug output on --debug.
THIRD_PARTY = ("aiohttp", "pykka", "asyncio")
VERBOSE_WHEN_DEBUG = ("aiohttp", "pykka")
_SENSITIVE = ("password", "secret", "token", "api_key", "api-key", "apikey", "authorization")
# structlog method name -> stdlib level ("warn" and "fatal" arrive as "warning" and "critical").
_METHOD_LEVELS = {**LEVELS, "exception": logging.ERROR, "critical": logging.CRITICAL}


@functools.lru_cache(maxsize=1024)
def is_sensitive(name: str) -> bool:
    """True for field names like `password`, `api_key`, `X-Api-Key`, `webhook_secret`."""
    lowered = name.lower()
    return any(word in lowered for word in _SENSITIVE)


def redact_secrets(logger: Any, method_name: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """structlog processor: render sensitive fields as "***", also one dict level down."""
    for key, value in event_dict.items():
        if is_sensitive(str(key)):
            event_dict[key] = "***"
        elif isinstance(value, dict):
            event_dict[key] = _redacted(value)
    return event_dict


def _redacted(mapping: dict[Any, Any]) -> dict[Any, Any]:
    # A copy: the caller's dict (a job's env, request headers) must stay as it was.
    if not any(is_sensitive(str(key)) for key in mapping):
        return mapping
    return {key: "***" if is_sensitive(str(key)) else value for key, value in mapping.items()}


def hand_to_stdlib(
    logger: Any, method_name: str, event_dict: dict[str, Any]
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """structlog's last processor: the message and %-args for the stdlib call, fields as extra."""
    event = event_dict.pop("event", "")
    args = event_dict.pop("positional_args", ())
    kwargs: dict[str, Any] = {}
    for name in ("exc_info", "stack_info"):
        if name in event_dict:
            kwargs[name] = event_dict.pop(name)
    kwargs["extra"] = {FIELDS_ATTR: event_dict}
    return (event if isinstance(event, str) else str(event), *args), kwargs


PROCESSORS = [redact_secrets, hand_to_stdlib]


class LevelCheckedLogger(structlog.stdlib.BoundLogger):
    """Asks the stdlib logger whether the level is on before building any event dict.

    The server logs each run state change at debug level; at info those calls must cost next to
    nothing, and `isEnabledFor` is a cached dict lookup.
    """

    def _proxy_to_logger(
        self, method_name: str, event: str | None = None, *event_args: Any, **event_kw: Any
    ) -> Any:
        if not self._logger.isEnabledFor(_METHOD_LEVELS.get(method_name, logging.NOTSET)):
            return None
        return super()._proxy_to_logger(method_name, event, *event_args, **event_kw)


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    """A logger in the "orchestrator" tree; other names (e.g. "actors.pipeline_run") go under it."""
    if not name:
        name = ROOT
    elif name != ROOT and not name.startswith(ROOT + "."):
        name = f"{ROOT}.{name}"
    return LevelCheckedLogger(logging.getLogger(name), PROCESSORS, {})


class LogControl:
    """What setup_logging installed: the buffer, the live level, and the way to undo it all."""

    def __init__(self, name: str, handlers: list[logging.Handler], buffer: LogBuffer, debug: bool):
        self.buffer = buffer
        self.debug = debug
        self.on_close: Callable[[], None] | None = None
        self._logger = logging.getLogger(name)
        self._handlers = handlers
        self._touched = [self._logger] + [logging.getLogger(lib) for lib in THIRD_PARTY]
        # Restored by close(), so a test (or an embedding program) gets its logging back.
        self._saved = [(lg, lg.level, lg.propagate) for lg in self._touched]
        for lg in self._touched:
            for handler in handlers:
                lg.addHandler(handler)
            lg.propagate = False

    def get_level(self) -> str:
        return logging.getLevelName(self._logger.getEffectiveLevel()).lower()

    def set_level(self, level: str) -> None:
        """Change the level of console, files and buffer at once; ValidationError if unknown."""
        number = level_number(level)
        self._logger.setLevel(number)
        for lib in THIRD_PARTY:
            verbose = self.debug and lib in VERBOSE_WHEN_DEBUG
            logging.getLogger(lib).setLevel(number if verbose else max(number, logging.WARNING))

    def close(self) -> None:
        """Flush and detach every handler and restore the loggers as they were."""
        global _active
        if not self._handlers:
            return
        for lg in self._touched:
            for handler in self._handlers:
                lg.removeHandler(handler)
        for lg, level, propagate in self._saved:
            lg.setLevel(level)
            lg.propagate = propagate
        for handler in self._handlers:
            handler.flush()
            handler.close()
        self._handlers = []
        if self.on_close is not None:
            self.on_close()
        if _active is self:
            _active = None


_active: LogControl | None = None


# The record attributes that cost a look-up per line and that no line of ours shows: the
# caller's file and line (a walk up the stack), the thread and the process names. The logging
# HOWTO ("Optimization") names these switches; the server turns them off while it logs.
_LOOKUPS = ("_srcfile", "logThreads", "logProcesses", "logMultiprocessing")


def _lean_records() -> Callable[[], None]:
    """Turn the look-ups off; returns what turns them back on."""
    saved = {name: getattr(logging, name) for name in _LOOKUPS}
    for name in _LOOKUPS:
        setattr(logging, name, None if name == "_srcfile" else False)

    def restore() -> None:
        for name, value in saved.items():
            setattr(logging, name, value)

    return restore


def logs_for(config: Any, debug: bool = False) -> LogControl:
    """Logging as a server configuration's `logging` section says (every server command)."""
    lg = config.logging
    control = setup_logging(
        config.log_dir,
        lg.level,
        lg.console,
        debug,
        lg.buffer_size,
        lg.file_max_bytes,
        lg.file_backups,
        flush_every=SERVER_FLUSH_EVERY,
    )
    control.on_close = _lean_records()
    return control


def setup_logging(
    log_dir: Path,
    level: str = "info",
    console: bool = True,
    debug: bool = False,
    buffer_size: int = 5000,
    file_max_bytes: int = 10485760,
    file_backups: int = 5,
    name: str = ROOT,
    flush_every: float | None = None,
) -> LogControl:
    """Install the handlers of the server's logger tree; a second call replaces the first.

    `name` is the logger whose tree is captured; get_logger() always files loggers under
    "orchestrator", so other names only make sense for programs with loggers of their own.
    `flush_every`: write lines below WARNING to the files and the console in batches, that
    often (seconds).
    """
    global _active
    if _active is not None:
        _active.close()
    level_number(level)
    log_dir = Path(log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    formatter = LineFormatter()
    handlers: list[logging.Handler] = []
    try:
        for file_level, number in LEVELS.items():
            handler = RotatingLogFile(
                log_dir / f"{file_level}.log",
                flush_every,
                maxBytes=file_max_bytes,
                backupCount=file_backups,
                encoding="utf-8",
            )
            handler.setLevel(number)
            handlers.append(handler)
    except OSError:
        for handler in handlers:
            handler.close()
        raise
    if console:
        handlers.append(ConsoleLines(sys.stderr, flush_every))
    for handler in handlers:
        handler.setFormatter(formatter)
    buffer = LogBuffer(buffer_size)
    handlers.append(BufferHandler(buffer, formatter))
    control = LogControl(name, handlers, buffer, debug)
    control.set_level("debug" if debug else level)
    _active = control
    return control
