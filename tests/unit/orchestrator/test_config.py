"""Configuration: four layers in order, text conversion, one-line errors, the reference file."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from orchestrator.config import Config, load_config, parse_assignment
from orchestrator.config_schema import RULES, SECTIONS

REFERENCE = Path(__file__).resolve().parents[3] / "conf" / "orchestrator.yaml"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory, so no stray ./orchestrator.yaml is picked up."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


class TestDefaults:
    def test_no_file_no_env_gives_builtin_defaults(self, workdir: Path) -> None:
        """Without a file, variables or options the configuration is the built-in one."""
        config = load_config(env={})
        assert config == Config()
        assert config.server.port == 8080 and config.logging.level == "info"
        assert config.jobs.default_timeout == 3600.0 and config.execution.max_concurrent_runs == 16

    def test_derived_paths_follow_data_dir(self, workdir: Path) -> None:
        """Empty logging.dir and store.path fall back to places inside the absolute data dir."""
        config = load_config(env={}, overrides={"server.data_dir": "state"})
        assert config.data_dir == (workdir / "state").resolve()
        assert config.log_dir == config.data_dir / "logs"
        assert config.store_path == config.data_dir / "orchestrator.sqlite"

    def test_explicit_log_dir_and_store_path_win(self, workdir: Path) -> None:
        """Set logging.dir and store.path are used as given, made absolute."""
        config = load_config(env={}, overrides={"logging.dir": "l", "store.path": "s/db.sqlite"})
        assert config.log_dir == (workdir / "l").resolve()
        assert config.store_path == (workdir / "s" / "db.sqlite").resolve()


class TestReferenceFile:
    def test_reference_file_equals_the_defaults(self) -> None:
        """conf/orchestrator.yaml states exactly the built-in defaults."""
        assert load_config(REFERENCE, env={}) == Config()

    def test_reference_file_lists_every_key(self) -> None:
        """Every known key appears in the reference file, and nothing else does."""
        data = yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))
        listed = {f"{section}.{key}" for section, keys in data.items() for key in keys}
        assert listed == set(RULES)

    def test_every_key_has_a_comment(self) -> None:
        """Each key line is preceded by a comment explaining it."""
        lines = REFERENCE.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            if line.startswith("  ") and not line.lstrip().startswith("#"):
                assert lines[number - 1].lstrip().startswith("#"), line


class TestPrecedence:
    def test_each_layer_overrides_the_one_below(self, workdir: Path) -> None:
        """defaults < YAML < environment < command line, key by key."""
        file = write(workdir / "c.yaml", "server:\n  port: 9001\n  host: 0.0.0.0\njobs:\n")
        env = {"ORCH_SERVER__PORT": "9002", "ORCH_EXECUTION__KILL_GRACE": "1.5"}
        config = load_config(file, env=env, overrides={"server.port": 9003})
        assert config.server.port == 9003
        assert config.server.host == "0.0.0.0"
        assert config.execution.kill_grace == 1.5
        assert config.logging.buffer_size == 5000
        assert load_config(file, env=env).server.port == 9002
        assert load_config(file, env={}).server.port == 9001

    def test_none_override_means_option_not_given(self, workdir: Path) -> None:
        """A click option left unset (None) does not hide the lower layers."""
        config = load_config(env={"ORCH_SERVER__PORT": "9002"}, overrides={"server.port": None})
        assert config.server.port == 9002

    def test_default_file_in_working_directory(self, workdir: Path) -> None:
        """With no path, ./orchestrator.yaml is read when it exists."""
        write(workdir / "orchestrator.yaml", "logging:\n  level: debug\n")
        assert load_config(env={}).logging.level == "debug"

    def test_empty_file_is_fine(self, workdir: Path) -> None:
        """An empty YAML file changes nothing."""
        assert load_config(write(workdir / "empty.yaml", ""), env={}) == Config()

    def test_os_environ_is_the_default_environment(
        self, workdir: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """env=None reads the process environment."""
        monkeypatch.setenv("ORCH_SECURITY__SESSION_TTL", "60")
        assert load_config().security.session_ttl == 60


class TestConversions:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [("true", True), ("YES", True), ("on", True), ("1", True)]
        + [("false", False), ("No", False), ("off", False), ("0", False)],
    )
    def test_booleans_from_text(self, workdir: Path, text: str, expected: bool) -> None:
        """Boolean keys accept true/false/yes/no/on/off/1/0 in any case."""
        config = load_config(env={"ORCH_LOGGING__CONSOLE": text})
        assert config.logging.console is expected

    def test_numbers_and_strings_from_text(self, workdir: Path) -> None:
        """Text from the environment and --set becomes the key's type."""
        env = {"ORCH_SERVER__SHUTDOWN_GRACE": "2", "ORCH_STORE__PATH": "/x/y.sqlite"}
        name, value = parse_assignment("jobs.max_output_bytes=2048")
        config = load_config(env=env, overrides={name: value, "logging.level": "WARNING"})
        assert config.server.shutdown_grace == 2.0
        assert isinstance(config.server.shutdown_grace, float)
        assert config.store.path == "/x/y.sqlite"
        assert config.jobs.max_output_bytes == 2048
        assert config.logging.level == "warning"

    def test_typed_values_from_yaml_and_click(self, workdir: Path) -> None:
        """An int is fine for a float key; click values pass as they are; Paths become text."""
        file = write(workdir / "c.yaml", "jobs:\n  default_timeout: 60\n")
        config = load_config(file, env={}, overrides={"server.data_dir": workdir / "d"})
        assert config.jobs.default_timeout == 60.0
        assert isinstance(config.jobs.default_timeout, float)
        assert config.server.data_dir == str(workdir / "d")

    def test_environment_names_ignore_case(self, workdir: Path) -> None:
        """Variables are matched without regard to case, as on Windows."""
        assert load_config(env={"orch_server__port": "7000"}).server.port == 7000

    def test_other_orch_variables_are_ignored(self, workdir: Path) -> None:
        """Variables without the double underscore belong to other parts of the program."""
        env = {
            "ORCH_SECRET_KEY": "k",
            "ORCH_API_KEY": "a",
            "ORCH_ADMIN_PASSWORD": "p",
            "ORCH_SERVER_URL": "http://x",
            "PATH": "/bin",
        }
        assert load_config(env=env) == Config()


class TestToDict:
    def test_round_trip_through_yaml(self, workdir: Path) -> None:
        """to_dict lists every key by section and loads back to the same configuration."""
        config = load_config(env={"ORCH_SERVER__PORT": "9100", "ORCH_LOGGING__CONSOLE": "off"})
        data = config.to_dict()
        assert list(data) == list(SECTIONS)
        assert list(data)[:6] == ["server", "logging", "jobs", "execution", "store", "security"]
        assert sum(len(keys) for keys in data.values()) == len(RULES)
        file = write(workdir / "dump.yaml", yaml.safe_dump(data))
        assert load_config(file, env={}) == config
