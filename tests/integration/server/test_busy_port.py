"""A port already in use stops the server before it touches the data directory."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

from tests.support import ROOT


class TestBusyPort:
    def test_a_taken_port_fails_first_with_one_line(self, tmp_path: Path) -> None:
        """Exit 1 with one line naming the address; no store, no admin, nothing printed first."""
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            data = tmp_path / "data"
            done = subprocess.run(
                [sys.executable, "-m", "orchestrator", "--data-dir", str(data)]
                + ["--port", str(port)],
                capture_output=True,
                text=True,
                cwd=ROOT,
                timeout=60,
                env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
            )
        assert done.returncode == 1
        assert done.stderr.strip().splitlines() == [
            f"error: cannot listen on 127.0.0.1:{port}: Address already in use"
        ]
        assert "password" not in done.stdout and "api key" not in done.stdout
        assert not data.exists()
