"""Shared fixtures: a real server per test module, and a fresh one per test when a test needs it."""

from __future__ import annotations

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
