"""Every configuration key: its section, type, default and the values it accepts.

The section dataclasses are the single source of truth: `config.py` derives the list of known keys,
the conversion of text from the environment and `--set`, and the error messages from the rules
attached here, so adding a key is one line in one place (plus its line in conf/orchestrator.yaml).
"""

from __future__ import annotations

import ipaddress
import math
import os
from dataclasses import dataclass, field, fields
from typing import Any

LOG_LEVELS = ("debug", "info", "warning", "error")
_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})


@dataclass(frozen=True)
class Rule:
    """What one key accepts, and how to say so in one phrase when a value does not fit."""

    kind: type
    low: float | None = None
    high: float | None = None
    exclusive_low: bool = False
    choices: tuple[str, ...] = ()
    non_empty: bool = False

    def describe(self) -> str:
        """The phrase after "must": "be an integer between 1 and 65535"."""
        if self.kind is bool:
            return "must be true or false"
        if self.kind is tuple:
            return "must be a list of non-empty strings (in text: separated by commas)"
        if self.choices:
            return "must be one of " + ", ".join(self.choices)
        if self.kind is str:
            return "must be a non-empty string" if self.non_empty else "must be a string"
        noun = "an integer" if self.kind is int else "a number"
        if self.low is not None and self.high is not None:
            return f"must be {noun} between {_num(self.low)} and {_num(self.high)}"
        if self.low is not None:
            relation = "greater than" if self.exclusive_low else "of at least"
            return f"must be {noun} {relation} {_num(self.low)}"
        return f"must be {noun}"

    def from_text(self, text: str) -> Any:
        """Convert text from the environment or `--set`; ValueError when it does not fit."""
        if self.kind is bool:
            word = text.strip().lower()
            if word in _TRUE or word in _FALSE:
                return word in _TRUE
            raise ValueError(text)
        if self.kind is int:
            return self.check(int(text.strip()))
        if self.kind is float:
            return self.check(float(text.strip()))
        if self.kind is tuple:
            return self.check([part.strip() for part in text.split(",") if part.strip()])
        return self.check(text)

    def check(self, value: Any) -> Any:
        """Validate an already typed value (YAML, click); return it normalized or raise ValueError.

        bool is a subclass of int in Python, so it is refused explicitly for numeric keys:
        `port: yes` in YAML is a mistake, not 1.
        """
        if self.kind is bool:
            if not isinstance(value, bool):
                raise ValueError(value)
            return value
        if self.kind is tuple:
            if not isinstance(value, list | tuple):
                raise ValueError(value)
            if not all(isinstance(item, str) and item.strip() for item in value):
                raise ValueError(value)
            return tuple(item.strip() for item in value)
        if self.kind is str:
            if isinstance(value, os.PathLike):
                value = os.fspath(value)
            if not isinstance(value, str):
                raise ValueError(value)
            if self.choices:
                value = value.strip().lower()
                if value not in self.choices:
                    raise ValueError(value)
            if self.non_empty and not value.strip():
                raise ValueError(value)
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(value)
        if self.kind is int and not isinstance(value, int):
            raise ValueError(value)
        if self.kind is float:
            value = float(value)
            if not math.isfinite(value):
                raise ValueError(value)
        too_low = self.low is not None and (
            value <= self.low if self.exclusive_low else value < self.low
        )
        if too_low or (self.high is not None and value > self.high):
            raise ValueError(value)
        return value


@dataclass(frozen=True)
class NetworksRule(Rule):
    """A list of IP addresses or networks (CIDR): a YAML list, or comma-separated text."""

    kind: type = tuple

    def describe(self) -> str:
        return "must be a list of IP addresses or networks such as 10.0.0.0/8"

    def from_text(self, text: str) -> Any:
        return self.check([part for part in text.split(",") if part.strip()])

    def check(self, value: Any) -> Any:
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise ValueError(value)
        # Normalized (10.1.2.3/8 -> 10.0.0.0/8); a typo is a ValueError here, not a silent miss.
        return tuple(str(ipaddress.ip_network(v.strip(), strict=False)) for v in value)


def _num(bound: float) -> str:
    return str(int(bound)) if float(bound).is_integer() else str(bound)


def key(default: Any, rule: Rule) -> Any:
    """Declare one key of a section with its default and rule."""
    return field(default=default, metadata={"rule": rule})


TEXT = Rule(str)
NAME = Rule(str, non_empty=True)
FLAG = Rule(bool)
POSITIVE = Rule(float, low=0, exclusive_low=True)
NOT_NEGATIVE = Rule(float, low=0)
POSITIVE_INT = Rule(int, low=1)
COUNT = Rule(int, low=0)
# What jobs inherit of the server's environment by default: enough for a shell to find its
# programs, locale and temporary directory (the Windows names matter only there).
DEFAULT_PASSTHROUGH = (
    "PATH", "HOME", "LANG", "LANGUAGE", "LC_*", "TZ", "TMPDIR", "USER", "LOGNAME", "SHELL",
    "TERM", "SYSTEMROOT", "SYSTEMDRIVE", "COMSPEC", "PATHEXT", "WINDIR", "TEMP", "TMP",
    "USERPROFILE", "APPDATA", "LOCALAPPDATA", "PROGRAMDATA", "PROGRAMFILES",
    "PROGRAMFILES(X86)", "COMMONPROGRAMFILES", "NUMBER_OF_PROCESSORS", "PROCESSOR_ARCHITECTURE",
)  # fmt: skip


@dataclass(frozen=True)
class ServerConfig:
    host: str = key("127.0.0.1", NAME)
    port: int = key(8080, Rule(int, low=1, high=65535))
    data_dir: str = key("./data", NAME)
    max_body_bytes: int = key(1048576, POSITIVE_INT)
    shutdown_grace: float = key(10.0, NOT_NEGATIVE)
    max_connections: int = key(1000, POSITIVE_INT)
    header_timeout: float = key(10.0, POSITIVE)
    keepalive_timeout: float = key(75.0, POSITIVE)
    trusted_proxies: tuple[str, ...] = key((), NetworksRule())
    event_loop: str = key("asyncio", Rule(str, choices=("auto", "asyncio", "uvloop")))


@dataclass(frozen=True)
class LoggingConfig:
    level: str = key("info", Rule(str, choices=LOG_LEVELS))
    dir: str = key("", TEXT)
    console: bool = key(True, FLAG)
    file_max_bytes: int = key(10485760, POSITIVE_INT)
    file_backups: int = key(5, COUNT)
    buffer_size: int = key(5000, POSITIVE_INT)


@dataclass(frozen=True)
class JobsConfig:
    default_timeout: float = key(3600.0, Rule(float, low=0, high=7 * 86400, exclusive_low=True))
    max_output_bytes: int = key(1048576, POSITIVE_INT)
    default_max_attempts: int = key(1, POSITIVE_INT)
    default_retry_delay: float = key(0.0, Rule(float, low=0, high=86400))
    output_checkpoint_interval: float = key(5.0, Rule(float, low=0, high=3600))


@dataclass(frozen=True)
class ExecutionConfig:
    max_concurrent_runs: int = key(16, POSITIVE_INT)
    max_queued_runs: int = key(10000, POSITIVE_INT)
    kill_grace: float = key(5.0, NOT_NEGATIVE)
    max_cpu_percent: float = key(100.0, Rule(float, low=0, high=100, exclusive_low=True))
    min_free_memory_mb: int = key(0, COUNT)
    env_passthrough: tuple[str, ...] = key(DEFAULT_PASSTHROUGH, Rule(tuple))
    run_as: str = key("", TEXT)
    executor: str = key("local", Rule(str, choices=("local", "dask")))
    dask_address: str = key("", TEXT)
    dask_workers: int = key(2, POSITIVE_INT)
    dask_tls_ca_file: str = key("", TEXT)
    dask_tls_cert: str = key("", TEXT)
    dask_tls_key: str = key("", TEXT)
    dask_connect_timeout: float = key(10.0, POSITIVE)


@dataclass(frozen=True)
class RetentionConfig:
    runs_days: float = key(30.0, POSITIVE)
    keep_last_runs: int = key(10, COUNT)
    audit_days: float = key(90.0, POSITIVE)
    logs_days: float = key(14.0, POSITIVE)
    purge_interval: float = key(3600.0, Rule(float, low=60, high=86400))


@dataclass(frozen=True)
class WebhooksConfig:
    timeout: float = key(10.0, POSITIVE)
    max_attempts: int = key(5, POSITIVE_INT)
    retry_base: float = key(1.0, POSITIVE)


@dataclass(frozen=True)
class StoreConfig:
    path: str = key("", TEXT)


@dataclass(frozen=True)
class SecurityConfig:
    session_ttl: int = key(86400, POSITIVE_INT)
    min_password_length: int = key(10, Rule(int, low=8, high=1000))
    login_max_failures: int = key(5, POSITIVE_INT)
    login_window: float = key(3600.0, POSITIVE)
    login_max_delay: float = key(900.0, POSITIVE)
    login_user_max_failures: int = key(50, POSITIVE_INT)
    key_file: str = key("", TEXT)


SECTIONS: dict[str, type] = {
    "server": ServerConfig,
    "logging": LoggingConfig,
    "jobs": JobsConfig,
    "execution": ExecutionConfig,
    "store": StoreConfig,
    "security": SecurityConfig,
    "retention": RetentionConfig,
    "webhooks": WebhooksConfig,
}

RULES: dict[str, Rule] = {
    f"{section}.{f.name}": f.metadata["rule"]
    for section, cls in SECTIONS.items()
    for f in fields(cls)
}
