"""The logs over HTTP: the runtime log level, the recent records, and the live SSE stream."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from pathlib import Path

from tests.support import ServerProcess


def _stream_first_record(server: ServerProcess, path: str, found: list, ready: threading.Event):
    req = urllib.request.Request(
        server.url + path, headers={"Authorization": f"Bearer {server.api_key}"}
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        found.append(resp.headers.get_content_type())
        for raw in resp:
            line = raw.decode().strip()
            if line == ": connected":
                ready.set()
            if line.startswith("data: "):
                found.append(json.loads(line[6:]))
                return


class TestLogLevel:
    def test_level_changes_at_runtime_and_takes_effect(self, server: ServerProcess, tmp_path: Path):
        """Setting debug makes debug records appear at once; info hides them again."""
        assert server.request("GET", "/system/log-level") == (200, {"level": "info"})
        assert server.request("PUT", "/system/log-level", {"level": "debug"}) == (
            200,
            {"level": "debug"},
        )
        job = {"name": "lv", "command": "true", "workdir": str(tmp_path)}
        status, created = server.request("POST", "/jobs", job)
        server.request("POST", f"/jobs/{created['id']}/run?wait=true")
        status, logs = server.request("GET", "/logs?level=debug&limit=1000")
        assert any(r["level"] == "debug" for r in logs["items"])
        assert server.request("PUT", "/system/log-level", {"level": "info"})[0] == 200
        debug_log = server.data_dir / "logs" / "debug.log"
        time.sleep(0.3)  # lines below WARNING reach the files in batches, every 50 ms
        size = debug_log.stat().st_size
        server.request("POST", f"/jobs/{created['id']}/run?wait=true")
        time.sleep(0.2)
        added = debug_log.read_text()[size:]
        assert " DEBUG " not in added

    def test_bad_level_is_a_validation_error(self, server: ServerProcess):
        """An unknown level names the field and changes nothing."""
        status, body = server.request("PUT", "/system/log-level", {"level": "loud"})
        assert status == 400 and "level" in body["error"]["details"]["fields"]
        assert server.request("GET", "/system/log-level")[1]["level"] == "info"


class TestLogs:
    def test_recent_records_filter_by_level_and_text(self, server: ServerProcess, tmp_path: Path):
        """`GET /logs` returns the job creation record and filters it by level and by `q`."""
        job = {"name": "findme-job", "command": "true", "workdir": str(tmp_path)}
        assert server.request("POST", "/jobs", job)[0] == 201
        status, logs = server.request("GET", "/logs?q=findme-job")
        assert status == 200
        assert any(r["message"] == "job created" for r in logs["items"])
        status, errors_only = server.request("GET", "/logs?level=error&q=findme-job")
        assert errors_only["items"] == []
        assert server.request("GET", "/logs?since=yesterday")[0] == 400

    def test_log_files_exist_per_level(self, server: ServerProcess):
        """The server writes debug, info, warning and error files in its log directory."""
        names = {p.name for p in (server.data_dir / "logs").iterdir()}
        assert {"debug.log", "info.log", "warning.log", "error.log"} <= names
        assert "server started" in (server.data_dir / "logs" / "info.log").read_text()

    def test_stream_delivers_a_new_record_live(self, server: ServerProcess, tmp_path: Path):
        """A record logged after the stream opened arrives as an SSE `data:` line."""
        found: list = []
        ready = threading.Event()
        reader = threading.Thread(
            target=_stream_first_record, args=(server, "/logs/stream?level=info", found, ready)
        )
        reader.start()
        assert ready.wait(5)
        job = {"name": "streamed-job", "command": "true", "workdir": str(tmp_path)}
        assert server.request("POST", "/jobs", job)[0] == 201
        reader.join(10)
        assert found[0] == "text/event-stream"
        assert found[1]["message"] == "job created"
        assert found[1]["fields"]["name"] == "streamed-job"


class TestStreamAtShutdown:
    def test_an_open_stream_does_not_hold_up_shutdown(self, tmp_path):
        """SIGTERM ends a live log stream that a client keeps open, and the server exits."""
        import signal
        import time

        server = ServerProcess(tmp_path / "data", "--set", "server.shutdown_grace=0").start()
        found: list = []
        ready = threading.Event()
        reader = threading.Thread(
            target=_stream_first_record,
            args=(server, "/logs/stream?level=error", found, ready),
            daemon=True,
        )
        reader.start()
        assert ready.wait(5)
        began = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(20) == 0
        assert time.monotonic() - began < 8
