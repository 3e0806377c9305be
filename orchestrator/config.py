"""Load the server configuration: built-in defaults < YAML file < environment < command line.

Each layer only names the keys it changes; every value is checked against its rule in
`config_schema.py` as soon as it is read, so an error can say which key was wrong and which layer
(file, variable, option) it came from, in one line.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from orchestrator.config_schema import (
    RULES,
    SECTIONS,
    ExecutionConfig,
    JobsConfig,
    LoggingConfig,
    RetentionConfig,
    SecurityConfig,
    ServerConfig,
    StoreConfig,
    WebhooksConfig,
)
from orchestrator.errors import ConfigError

__all__ = [
    "Config",
    "ExecutionConfig",
    "JobsConfig",
    "LoggingConfig",
    "SecurityConfig",
    "ServerConfig",
    "StoreConfig",
    "load_config",
    "parse_assignment",
]

DEFAULT_FILE = "orchestrator.yaml"
ENV_PREFIX = "ORCH_"


@dataclass(frozen=True)
class Config:
    """The whole configuration, one frozen dataclass per section."""

    server: ServerConfig = field(default_factory=ServerConfig)
    logging: LoggingConfig = field(default_factory=LoggingConfig)
    jobs: JobsConfig = field(default_factory=JobsConfig)
    execution: ExecutionConfig = field(default_factory=ExecutionConfig)
    store: StoreConfig = field(default_factory=StoreConfig)
    security: SecurityConfig = field(default_factory=SecurityConfig)
    retention: RetentionConfig = field(default_factory=RetentionConfig)
    webhooks: WebhooksConfig = field(default_factory=WebhooksConfig)

    @property
    def data_dir(self) -> Path:
        """The data directory as an absolute path (relative paths start at the working dir)."""
        return _absolute(self.server.data_dir)

    @property
    def log_dir(self) -> Path:
        return _absolute(self.logging.dir) if self.logging.dir else self.data_dir / "logs"

    @property
    def key_path(self) -> Path:
        """The Fernet key file (used when ORCH_SECRET_KEY is not set)."""
        return (
            _absolute(self.security.key_file)
            if self.security.key_file
            else self.data_dir / "secret.key"
        )

    @property
    def store_path(self) -> Path:
        return (
            _absolute(self.store.path) if self.store.path else self.data_dir / "orchestrator.sqlite"
        )

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """Every key by section, in the order of conf/orchestrator.yaml."""
        # Lists are kept as tuples (frozen sections) but shown as lists, as YAML writes them.
        return {
            name: {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(sect).items()}
            for name, sect in ((name, getattr(self, name)) for name in SECTIONS)
        }


def _absolute(path: str) -> Path:
    return Path(path).expanduser().resolve()


def load_config(
    path: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Config:
    """Merge the four layers and validate them; raise ConfigError on the first problem.

    `path=None` reads ./orchestrator.yaml when it exists. `env=None` reads os.environ.
    `overrides` maps "section.key" to a typed value or to text; None means "option not given",
    so click options can be passed through as they come.
    """
    values: dict[str, dict[str, Any]] = {section: {} for section in SECTIONS}
    file = _find_file(path)
    if file is not None:
        for name, raw in _read_yaml(file):
            _assign(values, name, raw, f"in {file}", is_text=False)
    for name, raw, variable in _environment(os.environ if env is None else env):
        _assign(values, name, raw, f"(from {variable})", is_text=True)
    for name, raw in (overrides or {}).items():
        if raw is not None:
            _assign(values, name, raw, "(from the command line)", is_text=isinstance(raw, str))
    return Config(**{section: SECTIONS[section](**values[section]) for section in SECTIONS})


def parse_assignment(text: str) -> tuple[str, str]:
    """Split a `--set` argument: "server.port=9000" -> ("server.port", "9000")."""
    name, equals, value = text.partition("=")
    name = name.strip()
    section, dot, key = name.partition(".")
    if not equals or not dot or not section or not key or "." in key:
        raise ConfigError(f"expected SECTION.KEY=VALUE, got {text!r}")
    return name, value


def _assign(
    values: dict[str, dict[str, Any]], name: str, raw: Any, where: str, *, is_text: bool
) -> None:
    section, _, key = name.partition(".")
    details = {"key": name, "source": where}
    if section not in SECTIONS:
        raise ConfigError(f"unknown section '{section}' {where}", details)
    rule = RULES.get(name)
    if rule is None:
        raise ConfigError(f"unknown key '{name}' {where}", details)
    try:
        values[section][key] = rule.from_text(raw) if is_text else rule.check(raw)
    except ValueError:
        raise ConfigError(
            f"{name}: {rule.describe()}, got {_short(raw)} {where}", details
        ) from None


def _short(raw: Any) -> str:
    # repr keeps the message on one line even when the value holds newlines.
    text = repr(raw)
    return text if len(text) <= 60 else text[:57] + "..."


def _find_file(path: str | Path | None) -> Path | None:
    if path is None:
        default = Path(DEFAULT_FILE)
        return default.resolve() if default.is_file() else None
    file = Path(path).expanduser()
    if not file.exists():
        raise ConfigError(f"configuration file not found: {file}", {"source": str(file)})
    return file.resolve()


def _read_yaml(file: Path) -> Iterator[tuple[str, Any]]:
    """Yield ("section.key", value) for every key of the file, checking its shape on the way."""
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read {file}: {err}", {"source": str(file)}) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise ConfigError(f"invalid YAML in {file}{at}: {problem}", {"source": str(file)}) from None
    if data is None:
        return
    if not isinstance(data, dict):
        raise ConfigError(
            f"{file} must hold a mapping of sections, got {type(data).__name__}",
            {"source": str(file)},
        )
    for section, keys in data.items():
        if section not in SECTIONS:
            raise ConfigError(f"unknown section '{section}' in {file}", {"source": str(file)})
        # A section whose keys are all commented out parses as null: same as absent.
        if keys is None:
            continue
        if not isinstance(keys, dict):
            raise ConfigError(
                f"{section}: must be a mapping of keys, got {_short(keys)} in {file}",
                {"key": section, "source": str(file)},
            )
        for key, value in keys.items():
            yield f"{section}.{key}", value


def _environment(env: Mapping[str, str]) -> Iterator[tuple[str, str, str]]:
    """Yield ("section.key", text, variable) for each ORCH_<SECTION>__<KEY> variable.

    Variables without the double underscore (ORCH_SECRET_KEY, ORCH_API_KEY...) belong to other
    parts of the program and are left alone. Names are matched case-insensitively because Windows
    environments are.
    """
    for variable, text in env.items():
        if not variable.upper().startswith(ENV_PREFIX):
            continue
        section, separator, key = variable[len(ENV_PREFIX) :].partition("__")
        if separator:
            yield f"{section.lower()}.{key.lower()}", text, variable
