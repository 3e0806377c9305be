"""`server.event_loop` on a real server: it serves on the loop it was given and logs which one."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.support import ServerProcess

HAVE_UVLOOP = importlib.util.find_spec("uvloop") is not None


class TestOnTheServer:
    """A real server serves on the loop it was given and logs which one at start."""

    @pytest.mark.parametrize("choice", ["asyncio", "uvloop"])
    def test_the_server_serves_on_the_chosen_loop(self, tmp_path: Path, choice: str):
        if choice == "uvloop" and not HAVE_UVLOOP:
            pytest.skip("uvloop is not installed")
        server = ServerProcess(tmp_path / "data", "--set", f"server.event_loop={choice}")
        server.start()
        try:
            status, job = server.request("POST", "/jobs", {"name": "j", "command": "true",
                                                           "workdir": str(tmp_path)})  # fmt: skip
            assert status == 201
            status, ran = server.request("POST", f"/jobs/{job['id']}/run?wait=true&timeout=20")
            assert status == 200 and ran["state"] == "succeeded"
        finally:
            server.stop()
        lines = (tmp_path / "data" / "logs" / "info.log").read_text().splitlines()
        chosen = [line for line in lines if "event loop chosen" in line]
        assert chosen and f"event_loop={choice} " in chosen[0], chosen
