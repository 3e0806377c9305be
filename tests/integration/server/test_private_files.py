"""What the server writes is readable by its own user only; jobs keep the usual file mode."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api_helpers import make_job, run_and_wait
from tests.support import ServerProcess

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


@pytest.fixture
def shell_umask() -> Iterator[None]:
    """The server is started the way a shell would start it: with umask 022."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


class TestDataDirectory:
    def test_everything_the_server_creates_is_private(self, tmp_path: Path, shell_umask) -> None:
        """The data directory and its folders are 0700, every file in them 0600 (the store,
        its -wal and -shm, the key, the lock, the logs), while a job's own file is 0644."""
        server = ServerProcess(tmp_path / "data").start()
        try:
            work = tmp_path / "work"
            work.mkdir()
            job = make_job(server, work, command="echo hi > made-by-job.txt")
            assert run_and_wait(server, job["id"])["state"] == "succeeded"
            assert mode(work / "made-by-job.txt") == 0o644
            paths = [server.data_dir, *server.data_dir.rglob("*")]
            names = {path.name for path in paths}
            assert {"orchestrator.sqlite", "orchestrator.sqlite-wal", "secret.key"} <= names
            assert {"info.log", "logs"} <= names
            wrong = {
                str(path): oct(mode(path))
                for path in paths
                if mode(path) != (0o700 if path.is_dir() else 0o600)
            }
            assert wrong == {}
        finally:
            server.stop()

    def test_a_shared_data_directory_is_warned_about(self, tmp_path: Path, shell_umask) -> None:
        """A data directory left readable by others by an older version is named in a warning."""
        data = tmp_path / "data"
        data.mkdir(mode=0o755)
        data.chmod(0o755)
        server = ServerProcess(data).start()
        server.stop()
        warnings = (data / "logs" / "warning.log").read_text(encoding="utf-8")
        assert f"chmod 700 {data}" in warnings
