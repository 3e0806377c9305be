"""Where the CLI finds its server URL and credential, in CLI.md's order of precedence.

Command-line option, then `ORCH_SERVER_URL` / `ORCH_API_KEY`, then the user's `cli.yaml` (written
by `login`), then the local default. `ORCH_CLI_CONFIG` points at another file, for tests and for
people who keep several servers apart.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_SERVER = "http://127.0.0.1:8080"


class ConfigFileError(Exception):
    """The CLI configuration file exists but cannot be read as a YAML mapping."""


@dataclass(frozen=True)
class Settings:
    server: str
    api_key: str | None


def config_path() -> Path:
    """The CLI configuration file: `ORCH_CLI_CONFIG`, else `cli.yaml` in the user config dir."""
    override = os.environ.get("ORCH_CLI_CONFIG")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("orchestrator", appauthor=False)) / "cli.yaml"


def load_file(file: Path | None = None) -> dict[str, Any]:
    """Read the configuration file; a missing file is an empty configuration."""
    file = file or config_path()
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as err:
        raise ConfigFileError(f"cannot read {file}: {err.strerror or err}") from None
    import yaml  # imported here: most invocations never read the file

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise ConfigFileError(f"{file} is not valid YAML{where}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigFileError(f"{file} must hold a mapping such as 'server: URL'")
    return data


def save_file(data: dict[str, Any], file: Path | None = None) -> Path:
    """Write the configuration readable by its owner only, since it may hold a secret."""
    import yaml

    file = file or config_path()
    file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        yaml.safe_dump(data, handle, sort_keys=False)
    # os.open's mode only applies to new files; an older file may have looser permissions.
    # On Windows chmod can only toggle read-only, so this is a no-op there.
    os.chmod(file, 0o600)
    return file


def resolve(server: str | None, api_key: str | None) -> Settings:
    """Apply the precedence; the file is read only when an option and variable are missing."""
    server = server or os.environ.get("ORCH_SERVER_URL") or None
    api_key = api_key or os.environ.get("ORCH_API_KEY") or None
    if server is None or api_key is None:
        stored = load_file()
        saved_server = _text(stored.get("server"))
        server = server or saved_server
        if api_key is None and (saved_server is None or _url(saved_server) == _url(server)):
            # The saved key or session belongs to the saved server: never send it elsewhere.
            api_key = _text(stored.get("api_key")) or _text(stored.get("token"))
    return Settings(server=_url(server), api_key=api_key)


def _url(server: str | None) -> str:
    server = (server or DEFAULT_SERVER).rstrip("/")
    # "localhost:8080" is what people type; urllib needs the scheme.
    return server if "://" in server else "http://" + server


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None
