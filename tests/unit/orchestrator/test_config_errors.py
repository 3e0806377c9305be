"""Configuration errors: each is one line naming the key and the layer it came from."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestrator.config import load_config, parse_assignment
from orchestrator.errors import ConfigError


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory, so no stray ./orchestrator.yaml is picked up."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def error_of(**kwargs) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(**kwargs)
    message = info.value.message
    assert "\n" not in message
    return message


class TestErrors:
    def test_bad_integer_from_environment(self, workdir: Path) -> None:
        """The message names the key, the rule, the value and the variable."""
        message = error_of(env={"ORCH_SERVER__PORT": "abc"})
        assert message == (
            "server.port: must be an integer between 1 and 65535, got 'abc' "
            "(from ORCH_SERVER__PORT)"
        )

    def test_unknown_key_in_file(self, workdir: Path) -> None:
        """An unknown key in YAML names the key and the absolute file path."""
        file = write(workdir / "c.yaml", "server:\n  prot: 1\n")
        assert error_of(path=file, env={}) == f"unknown key 'server.prot' in {file.resolve()}"

    @pytest.mark.parametrize(
        ("kwargs", "expected"),
        [
            ({"env": {"ORCH_SRV__PORT": "1"}}, "unknown section 'srv' (from ORCH_SRV__PORT)"),
            ({"env": {"ORCH_JOBS__TIMEOUT": "1"}}, "unknown key 'jobs.timeout'"),
            ({"overrides": {"server.prot": 1}}, "unknown key 'server.prot' (from the command"),
            ({"overrides": {"server.port": 0}}, "server.port: must be an integer between 1 and"),
            ({"overrides": {"jobs.default_timeout": "0"}}, "must be a number between 0 and 604800"),
            ({"env": {"ORCH_SERVER__SHUTDOWN_GRACE": "-1"}}, "number of at least 0, got '-1'"),
            ({"env": {"ORCH_LOGGING__LEVEL": "loud"}}, "must be one of debug, info, warning"),
            ({"env": {"ORCH_LOGGING__CONSOLE": "maybe"}}, "console: must be true or false"),
            ({"env": {"ORCH_EXECUTION__MAX_CONCURRENT_RUNS": "0"}}, "integer of at least 1"),
            ({"env": {"ORCH_SERVER__HOST": " "}}, "server.host: must be a non-empty string"),
            ({"env": {"ORCH_JOBS__DEFAULT_TIMEOUT": "nan"}}, "default_timeout: must be a number"),
        ],
    )
    def test_message_names_key_and_source(self, workdir: Path, kwargs: dict, expected: str) -> None:
        """Each rule violation is one line naming the key and where the value came from."""
        kwargs.setdefault("env", {})
        assert expected in error_of(**kwargs)

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("server:\n  port: '8080'\n", "server.port: must be an integer between 1 and 65535"),
            ("server:\n  port: true\n", "server.port: must be an integer"),
            ("jobs:\n  default_timeout: fast\n", "jobs.default_timeout: must be a number"),
            ("logging:\n  console: 'yes'\n", "logging.console: must be true or false"),
            ("logging:\n  dir:\n", "logging.dir: must be a string, got None"),
            ("servers:\n  port: 1\n", "unknown section 'servers' in"),
            ("server: 8080\n", "server: must be a mapping of keys, got 8080"),
            ("- server\n", "must hold a mapping of sections, got list"),
            ("server:\n  port: [1\n", "invalid YAML in"),
        ],
    )
    def test_file_values_must_have_the_right_type(
        self, workdir: Path, text: str, expected: str
    ) -> None:
        """YAML values are not converted: a wrong type or shape is an error naming the file."""
        file = write(workdir / "c.yaml", text)
        message = error_of(path=file, env={})
        assert expected in message
        assert str(file.resolve()) in message

    def test_missing_explicit_file(self, workdir: Path) -> None:
        """A path that does not exist is an error, unlike the optional default file."""
        assert "configuration file not found" in error_of(path=workdir / "nope.yaml", env={})

    def test_error_details_carry_key_and_source(self, workdir: Path) -> None:
        """The error's details let callers (check-config, the API) point at the key."""
        with pytest.raises(ConfigError) as info:
            load_config(env={"ORCH_SERVER__PORT": "0"})
        assert info.value.details == {"key": "server.port", "source": "(from ORCH_SERVER__PORT)"}


class TestParseAssignment:
    def test_splits_on_the_first_equals_sign(self) -> None:
        """Everything after the first "=" is the value, kept as written."""
        assert parse_assignment("server.host=a=b ") == ("server.host", "a=b ")
        assert parse_assignment(" store.path=") == ("store.path", "")

    @pytest.mark.parametrize("text", ["server.port", "port=1", ".port=1", "server.=1", "a.b.c=1"])
    def test_malformed_assignments(self, text: str) -> None:
        """Anything but SECTION.KEY=VALUE is a ConfigError quoting the argument."""
        with pytest.raises(ConfigError, match="expected SECTION.KEY=VALUE"):
            parse_assignment(text)


def test_job_defaults_are_capped_like_the_jobs_own_values(workdir: Path) -> None:
    """jobs.default_timeout over 7 days and default_retry_delay over 1 day are refused."""
    assert "jobs.default_timeout: must be" in error_of(
        env={}, overrides={"jobs.default_timeout": "700000"}
    )
    assert "jobs.default_retry_delay: must be" in error_of(
        env={}, overrides={"jobs.default_retry_delay": "90000"}
    )
