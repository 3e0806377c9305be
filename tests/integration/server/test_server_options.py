"""`orchestrator-server` options: `--set` reaches every key, dedicated options win when given."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from tests.support import ROOT


def check_config(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "orchestrator", *args, "check-config"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        timeout=60,
    )


class TestSetOption:
    def test_set_reaches_the_keys_that_have_dedicated_options(self, tmp_path: Path) -> None:
        """--set server.port, host, data_dir and logging.level are not hidden by unset options."""
        done = check_config(
            tmp_path,
            "--set",
            "server.port=9999",
            "--set",
            "server.host=0.0.0.0",
            "--set",
            f"server.data_dir={tmp_path / 'd2'}",
            "--set",
            "logging.level=debug",
        )
        assert done.returncode == 0, done.stderr
        shown = yaml.safe_load(done.stdout)
        assert shown["server"]["port"] == 9999
        assert shown["server"]["host"] == "0.0.0.0"
        assert shown["server"]["data_dir"] == str(tmp_path / "d2")
        assert shown["logging"]["level"] == "debug"

    def test_set_values_are_validated(self, tmp_path: Path) -> None:
        """A bad --set value stops the command with one line naming the key."""
        done = check_config(tmp_path, "--set", "server.port=abc")
        assert done.returncode == 2
        assert "server.port: must be an integer between 1 and 65535, got 'abc'" in done.stderr

    def test_set_wins_over_the_file(self, tmp_path: Path) -> None:
        """A key in the YAML file is overridden by --set."""
        (tmp_path / "orchestrator.yaml").write_text("server:\n  port: 7000\n", encoding="utf-8")
        done = check_config(tmp_path, "--set", "server.port=7001")
        assert yaml.safe_load(done.stdout)["server"]["port"] == 7001

    def test_dedicated_option_wins_over_set(self, tmp_path: Path) -> None:
        """--port given together with --set server.port: the dedicated option is used."""
        done = check_config(tmp_path, "--port", "7002", "--set", "server.port=7003")
        assert yaml.safe_load(done.stdout)["server"]["port"] == 7002
