"""Shared fixtures: a real server per test module, and a fresh one per test when a test needs it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import ServerProcess


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One server shared by the tests of a module (they must not depend on each other's data)."""
    base = tmp_path_factory.mktemp("server")
    proc = ServerProcess(base / "data").start()
    yield proc
    proc.stop()


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[ServerProcess]:
    """A server of this test alone, with an empty data directory."""
    proc = ServerProcess(tmp_path / "data").start()
    yield proc
    proc.stop()


# Integration tests whose jobs are POSIX shell commands (`sleep 1`, `a; b`, `$VAR`) or that send
# POSIX signals. On Windows they are skipped with that reason; the unit tests still run there.
POSIX_SHELL_MODULES = (
    "test_api_",
    "test_cli_",
    "test_lifecycle",
    "test_schedule_restart",
    "test_execution",
    "test_webhooks_",
    "test_security_",
    "test_metrics_api",
    "test_transfer_api",
    "test_notifier",
    "test_packaging",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.name != "nt":
        return
    skip = pytest.mark.skip(reason="runs POSIX shell commands or signals (Linux and macOS only)")
    for item in items:
        name = item.path.name
        if name.startswith(POSIX_SHELL_MODULES) or "browser" in item.path.parts:
            item.add_marker(skip)
