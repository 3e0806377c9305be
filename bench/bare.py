"""Floors below the orchestrator, measured in the same run as it, to put its ratios in context.

The targets compare the server with bare `subprocess.run(["true"])`. Two floors sit between the
two, and neither orchestrates anything:
- the shell floor: the job spawned the way ARCHITECTURE.md says every run is (the platform shell,
  its own process group, stdin closed, stdout and stderr read through pipes), with no server;
- the bare server floor (dispatch only): an aiohttp server with no store, no actors, no
  authentication and no records, whose only route spawns that same shell command on a thread
  and answers a small JSON body. It is what HTTP plus the spawn cost on this machine. It runs on
  the event loop the server would choose (`ORCH_SERVER__EVENT_LOOP`, default asyncio), so that
  the two compare on the same loop.
Run this file as a program to start the bare server: `python bench/bare.py PORT WORKDIR`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

WINDOWS = os.name == "nt"


def shell_spawn(command: str, workdir: str) -> int:
    """One run's process, started by the executor's own `spawn`, and its exit code once both
    pipes closed."""
    from orchestrator.execution.local import spawn
    from orchestrator.execution.model import AttemptSpec

    proc = spawn(AttemptSpec(command, workdir))
    proc.communicate()
    return proc.returncode


def shell_sequential(count: int, command: str, workdir: str) -> float:
    """Wall time of `count` shell spawns one after the other."""
    started = time.perf_counter()
    for _ in range(count):
        shell_spawn(command, workdir)
    return time.perf_counter() - started


def shell_parallel(count: int, threads: int, command: str, workdir: str) -> float:
    """Wall time of `count` shell spawns on `threads` threads."""
    from bench.common import in_threads, split

    shares = split(count, threads)
    return in_threads(threads, lambda i: [shell_spawn(command, workdir) for _ in range(shares[i])])


def bare_dispatch(runs: int, clients: int, workdir: str) -> tuple[float, float]:
    """Wall time of `runs` requests from `clients` keep-alive clients to the bare server, and
    the bare server's own CPU seconds meanwhile."""
    from bench.common import Client, in_threads, split
    from bench.cost import Cost
    from tests.support import free_port

    server = BareServer(free_port(), workdir)
    try:
        server.wait_ready(Client)
        warm = Client(server)  # type: ignore[arg-type] - a Client needs only port and api_key
        for _ in range(16):
            warm.request("POST", "/run")
        warm.close()
        shares = split(runs, clients)

        def work(index: int) -> None:
            client = Client(server)  # type: ignore[arg-type]
            for _ in range(shares[index]):
                status, body = client.request("POST", "/run")
                if status != 200 or body["state"] != "succeeded":
                    raise RuntimeError(f"bare server answered {status} {body}")
            client.close()

        cost = Cost(server.process.pid)
        wall = in_threads(clients, work)
        return wall, cost.stop().cpu
    finally:
        server.stop()


def dispatch_floors(raw: float, workdir: str, runs: int, clients: int, command: str) -> list:
    """Both floors for the dispatch benchmark, printed and as summary figures (information);
    the bare server's wall and own CPU seconds are kept in `BARE` for `against_bare`."""
    from bench.common import Figure

    shell = shell_parallel(runs, clients, command, workdir)
    print(f"shell floor   {shell:7.3f} s  (job shell + pipes, no server) {shell / raw:.2f}x")
    served, cpu = bare_dispatch(runs, clients, workdir)
    BARE.update(wall=served, cpu_ms=cpu / runs * 1e3)
    print(f"bare server   {served:7.3f} s  (aiohttp + that spawn only) {served / raw:.2f}x")
    print(f"bare server own CPU {cpu:.2f} s = {cpu / runs * 1e3:.2f} ms per run")
    return [
        Figure("  shell floor / raw floor", shell / raw, "x"),
        Figure("  bare HTTP+spawn server / raw floor", served / raw, "x"),
        Figure("  bare server CPU per run", cpu / runs * 1e3, "ms"),
    ]


BARE: dict[str, float] = {}  # the last bare server measured: wall (s), cpu_ms (per run)


def against_bare(wall: float, cpu_ms: float) -> list:
    """The issue's targets against the bare server: wall <= 1.3x its wall, CPU per run <= 1.5x."""
    from bench.common import Figure

    return [
        Figure("dispatch wall / bare server wall", wall / BARE["wall"], "x", 1.3),
        Figure("server CPU per run / bare server's", cpu_ms / BARE["cpu_ms"], "x", 1.5),
    ]


class BareServer:
    """The bare server floor as a child process, on 127.0.0.1 and a free port."""

    def __init__(self, port: int, workdir: str) -> None:
        self.port = port
        here = Path(__file__).resolve()
        self.process = subprocess.Popen([sys.executable, str(here), str(port), workdir])
        self.api_key = ""  # the bench Client sends it; the bare server ignores it

    def wait_ready(self, client_factory) -> None:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                client = client_factory(self)
                client.request("GET", "/health")
                client.close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the bare server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def _serve(port: int, workdir: str) -> None:
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from aiohttp import web

    from orchestrator.startup.event_loop import factory

    name, make = factory(os.environ.get("ORCH_SERVER__EVENT_LOOP", "asyncio"))
    print(f"bare server on the {name} event loop", flush=True)

    pool = ThreadPoolExecutor(64)
    command = "exit 0" if WINDOWS else "true"

    async def run(request: web.Request) -> web.Response:
        loop = asyncio.get_running_loop()
        code = await loop.run_in_executor(pool, shell_spawn, command, workdir)
        return web.json_response({"state": "succeeded" if code == 0 else "failed"})

    async def health(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_post("/run", run)
    app.router.add_get("/health", health)
    loop = make() if make is not None else None
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None, loop=loop)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's code
    _serve(int(sys.argv[1]), sys.argv[2])
