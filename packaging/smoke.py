"""Smoke-test a distribution archive: unpack it and run what is inside, as a user would.

    python packaging/smoke.py dist/orchestrator-<version>-<os>-<arch>.tar.gz [--expect-ui]

Checks the checksum file, `--version` of both binaries, starts the packaged server on a free
port with a temporary data directory and its shipped configuration, creates and runs a job with
the packaged CLI, reads the job's output back, and stops the server (on POSIX with SIGTERM,
which must end it with exit code 0). The release workflow runs it on every system; the
packaging test imports it. Only the standard library is used, so any Python 3.11 runs it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

API_KEY = "ork_smoke_admin_key_0123456789abcdef0123456789abcdef"
EXE = ".exe" if os.name == "nt" else ""


class SmokeError(Exception):
    """What the packaged programs did wrong, in one line."""


def verify_checksum(archive: Path) -> None:
    checksum = archive.with_name(archive.name + ".sha256")
    expected, name = checksum.read_text(encoding="utf-8").split()
    actual = hashlib.sha256(archive.read_bytes()).hexdigest()
    if name != archive.name or actual != expected:
        raise SmokeError(f"{checksum.name} does not match {archive.name}")


def unpack(archive: Path, into: Path) -> Path:
    """Extract the archive; return its top folder (named like the archive)."""
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(into)
    else:
        with tarfile.open(archive) as tar:
            tar.extractall(into, filter="data")
    top = into / archive.name.removesuffix(".zip").removesuffix(".tar.gz")
    if not (top / "bin").is_dir():
        raise SmokeError(f"{archive.name} has no {top.name}/bin folder")
    return top


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def program_version(binary: Path) -> str:
    done = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=60)
    if done.returncode != 0 or not done.stdout.startswith("orchestrator "):
        raise SmokeError(f"{binary.name} --version: {done.stdout}{done.stderr}".strip())
    return done.stdout.strip()


class PackagedServer:
    """The archive's server binary, on a free port with its own data directory."""

    def __init__(
        self,
        command: list[str | Path],
        data_dir: Path,
        cwd: Path,
        env: dict[str, str] | None = None,
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        self.log = data_dir.parent / f"server-{self.port}.out"
        args = [*command, "--data-dir", data_dir, "--port", str(self.port), "--silent"]
        env = {**(os.environ if env is None else env), "ORCH_ADMIN_API_KEY": API_KEY}
        env["ORCH_ADMIN_PASSWORD"] = "smoke-pass-123"
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(args, env=env, cwd=cwd, stdout=out, stderr=out)

    def wait_healthy(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SmokeError(
                    f"the server exited with {self.process.returncode}: {self.output()}"
                )
            try:
                if self.get("/health")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise SmokeError("the server did not answer /health in time")

    def get(self, path: str) -> tuple[int, str]:
        request = urllib.request.Request(
            self.url + path, headers={"Authorization": f"Bearer {API_KEY}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode(errors="replace")

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM on POSIX (a clean stop). Windows has no such signal: there the whole tree is
        ended (a one-file binary is a launcher process plus the program it unpacked)."""
        if self.process.poll() is None:
            if os.name == "nt":
                pid = str(self.process.pid)
                subprocess.run(["taskkill", "/PID", pid, "/T", "/F"], capture_output=True)
            else:
                self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise SmokeError("the server did not stop within 30 s of SIGTERM") from None
        return self.process.returncode

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def run_cli(cli: Path, server: PackagedServer, *args: str) -> str:
    """Run the packaged CLI against the server; return its stdout, or raise with its stderr."""
    home = server.data_dir.parent
    env = {
        **os.environ,
        "ORCH_SERVER_URL": server.url,
        "ORCH_API_KEY": API_KEY,
        "ORCH_CLI_CONFIG": str(home / "cli.yaml"),
        "ORCH_CLI_LOG_DIR": str(home / "cli-logs"),
    }
    done = subprocess.run([cli, *args], capture_output=True, text=True, env=env, timeout=120)
    if done.returncode != 0:
        raise SmokeError(f"orchestrator-cli {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def run_job(cli: Path, server: PackagedServer, name: str, command: str, workdir: Path) -> dict:
    """Create a job, run it and wait; return its context (the output of that run)."""
    run_cli(
        cli,
        server,
        "jobs",
        "create",
        "--name",
        name,
        "--command",
        command,
        "--workdir",
        str(workdir),
    )
    run_cli(cli, server, "jobs", "run", name, "--wait")
    return json.loads(run_cli(cli, server, "--output", "json", "contexts", "get", name))


def smoke(archive: Path, expect_ui: bool, work: Path) -> list[str]:
    """The whole check; returns what it saw, one line per check."""
    verify_checksum(archive)
    top = unpack(archive, work)
    server_bin, cli_bin = (
        top / "bin" / f"{name}{EXE}" for name in ("orchestrator-server", "orchestrator-cli")
    )
    seen = [f"{binary.name}: {program_version(binary)}" for binary in (server_bin, cli_bin)]
    config = top / "conf" / "orchestrator.yaml"
    server = PackagedServer([server_bin, "--config", config], work / "data", cwd=work)
    try:
        server.wait_healthy()
        for path in ("/docs", "/openapi.json"):
            if server.get(path)[0] != 200:
                raise SmokeError(f"GET {path} did not answer 200")
        ui_built = 'id="app"' in server.get("/ui/")[1]
        if expect_ui and not ui_built:
            raise SmokeError("GET /ui/ does not serve the built web UI")
        seen.append(f"web UI served: {'yes' if ui_built else 'no (not built)'}")
        context = run_job(cli_bin, server, "smoke", "echo smoke-ok", work)
        if context["state"] != "succeeded" or "smoke-ok" not in context["content"]:
            raise SmokeError(f"the smoke job did not succeed: {context}")
        seen.append("job created and run with the packaged CLI: succeeded")
    finally:
        code = server.stop()
    if os.name != "nt" and code != 0:
        raise SmokeError(f"the server exited with {code} after SIGTERM: {server.output()}")
    seen.append(f"server stopped, exit code {code}")
    return seen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="smoke.py", description=__doc__.split("\n")[0])
    parser.add_argument("archive", type=Path)
    parser.add_argument("--expect-ui", action="store_true", help="fail if /ui/ is not the built UI")
    options = parser.parse_args(argv)
    # Windows may hold a file of a just-ended process a moment longer: leave it, not fail.
    with tempfile.TemporaryDirectory(
        prefix="orchestrator-smoke-", ignore_cleanup_errors=True
    ) as work:
        try:
            for line in smoke(options.archive.resolve(), options.expect_ui, Path(work)):
                print(f"ok  {line}")
        except SmokeError as err:
            print(f"smoke test failed: {err}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
