"""The CLI's logging: always to small rotated files per level, to the console only with --debug.

Stdlib logging rather than structlog keeps start-up fast; the files have the same names and
meaning as the server's (each holds its level and above). `ORCH_CLI_LOG_DIR` overrides the
platform's user log directory, which tests use to keep their logs apart.
"""

from __future__ import annotations

import logging
import os
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOGGER_NAME = "orchestrator.cli"
FILE_LEVELS = {
    "debug.log": logging.DEBUG,
    "info.log": logging.INFO,
    "warning.log": logging.WARNING,
    "error.log": logging.ERROR,
}
MAX_BYTES = 256 * 1024
BACKUPS = 2
FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def log_dir() -> Path:
    """The directory of the CLI's log files."""
    override = os.environ.get("ORCH_CLI_LOG_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_log_dir

    return Path(user_log_dir("orchestrator", appauthor=False))


def setup_logging(*, debug: bool = False, silent: bool = False) -> logging.Logger:
    """Install the handlers on the CLI's logger, replacing those of an earlier call."""
    logger = logging.getLogger(LOGGER_NAME)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    # A log file that cannot be written (full disk, a rotation racing another CLI process on
    # Windows) must never disturb the command, so logging swallows its own errors.
    logging.raiseExceptions = False
    formatter = logging.Formatter(FORMAT)
    directory = log_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        directory = None
    if directory is not None:
        for name, level in FILE_LEVELS.items():
            handler = RotatingFileHandler(
                directory / name,
                maxBytes=MAX_BYTES,
                backupCount=BACKUPS,
                encoding="utf-8",
                delay=True,
            )
            handler.setLevel(level)
            handler.setFormatter(formatter)
            logger.addHandler(handler)
    if debug and not silent:
        console = logging.StreamHandler(sys.stderr)
        console.setLevel(logging.DEBUG)
        console.setFormatter(formatter)
        logger.addHandler(console)
    return logger
