"""Start the real server as a child process on 127.0.0.1 and talk to it, for integration tests.

Tests use `ServerProcess` through the fixtures in conftest.py: no part of our own code is mocked,
the server runs exactly as `orchestrator-server` would.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ADMIN_KEY = "ork_test_admin_key_0123456789abcdef0123456789abcdef"
ADMIN_PASSWORD = "test-admin-password"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerProcess:
    """One real server with its own data directory and port."""

    def __init__(self, data_dir: Path, *extra_args: str, env: dict[str, str] | None = None):
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.api_key = ADMIN_KEY
        self.extra_args = list(extra_args)
        self.env = {
            **os.environ,
            "ORCH_ADMIN_API_KEY": ADMIN_KEY,
            "ORCH_ADMIN_PASSWORD": ADMIN_PASSWORD,
            **(env or {}),
        }
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 15.0) -> ServerProcess:
        args = [sys.executable, "-m", "orchestrator", "--silent", "--data-dir", str(self.data_dir)]
        args += ["--port", str(self.port), *self.extra_args]
        log = open(self.data_dir.parent / f"server-{self.port}.out", "ab")  # noqa: SIM115
        self.process = subprocess.Popen(args, env=self.env, stdout=log, stderr=log, cwd=ROOT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}: {self.output()}")
            try:
                if self.request("GET", "/health")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("server did not become healthy in time")

    def output(self) -> str:
        path = self.data_dir.parent / f"server-{self.port}.out"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self, timeout: float = 20.0) -> int | None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode if self.process else None

    def kill(self) -> None:
        """Kill -9: no chance to flush or clean up."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        key: str | None = "default",
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 30.0,
    ) -> tuple[int, Any]:
        """Send one request; return (status, decoded JSON body or text or None)."""
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        if key is not None:
            all_headers["Authorization"] = f"Bearer {self.api_key if key == 'default' else key}"
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=all_headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                status, payload, ctype = resp.status, resp.read(), resp.headers.get_content_type()
        except urllib.error.HTTPError as err:
            status, payload, ctype = err.code, err.read(), err.headers.get_content_type()
        if not payload:
            return status, None
        if ctype == "application/json":
            return status, json.loads(payload)
        return status, payload.decode(errors="replace")

    def cli(self, *args: str, env: dict[str, str] | None = None, timeout: float = 60.0):
        """Run the real `orchestrator-cli` against this server; return the CompletedProcess."""
        full_env = {**os.environ, "ORCH_SERVER_URL": self.url, "ORCH_API_KEY": self.api_key}
        full_env.update(env or {})
        return subprocess.run(
            [sys.executable, "-m", "cli", *args],
            env=full_env,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=ROOT,
        )
