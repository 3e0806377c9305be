"""Serving: bring the system up, listen until SIGINT/SIGTERM, then shut down in order.

Shutdown stops new requests, lets running runs finish within `server.shutdown_grace`, marks what
was cut as `interrupted`, flushes the store and exits 0.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from typing import Any

from aiohttp import web

from orchestrator import VERSION_DISPLAY
from orchestrator.config import Config
from orchestrator.errors import OrchestratorError
from orchestrator.gateway.app import create_app
from orchestrator.gateway.connections import make_runner
from orchestrator.gateway.keys import Services
from orchestrator.gateway.listening import CannotListen, bind
from orchestrator.log import get_logger, logs_for
from orchestrator.startup import event_loop
from orchestrator.startup.watchdog import EXIT_MARGIN, Watchdog

log = get_logger("orchestrator.startup")


def serve_forever(config: Config, debug: bool) -> int:
    try:
        sock = bind(config.server.host, config.server.port)
    except CannotListen as err:  # before the store, the first admin and the logs exist
        print(f"error: {err.message}", file=sys.stderr)
        return 1
    with sock:
        return _start(config, debug, sock)


def _start(config: Config, debug: bool, sock: socket.socket) -> int:
    try:
        logs = logs_for(config, debug)
    except OSError as err:
        print(f"error: cannot write logs in {config.log_dir}: {err}", file=sys.stderr)
        return 1
    from orchestrator.execution.users import protect_data_dir, resolve_run_as
    from orchestrator.startup.runtime import Runtime

    try:
        job_user = resolve_run_as(config.execution.run_as)
    except OrchestratorError as err:
        print(f"error: {err.message}", file=sys.stderr)
        logs.close()
        return 1
    try:
        runtime = Runtime(config)
    except OrchestratorError as err:  # a locked data directory, a lost or damaged store
        print(f"error: {err.message}", file=sys.stderr)
        logs.close()
        return 1
    except Exception as err:  # noqa: BLE001 - one readable line, the traceback in the log
        log.debug("start-up failed", exc_info=True)
        print(f"error: cannot open the store at {config.store_path}: {err}", file=sys.stderr)
        logs.close()
        return 1
    protect_data_dir(config.data_dir, job_user)
    try:
        created = runtime.bootstrap_admin(
            os.environ.get("ORCH_ADMIN_PASSWORD") or None,
            os.environ.get("ORCH_ADMIN_API_KEY") or None,
        )
        if created:
            announce_admin(config, created)
        runtime.recover()
        services = Services(
            config,
            runtime.supervisor,
            runtime.storage,
            runtime.waiters,
            logs,
            sampler=runtime.sampler,
            notifier=runtime.notifier,
            backlog=runtime.backlog,
            store_health=runtime.store_health,
            live=runtime.live_outputs,
            executor=runtime.executor,
        )
        main = _serve(config, create_app(services), runtime, sock)
        return event_loop.run(config.server.event_loop, main)
    except OrchestratorError as err:
        print(f"error: {err.message}", file=sys.stderr)
        return 1
    finally:
        runtime.stop()
        logs.close()


async def _serve(config: Config, app: web.Application, runtime: Any, sock: socket.socket) -> int:
    runner = make_runner(app, config.server)
    await runner.setup()
    host, port = config.server.host, config.server.port
    await web.SockSite(runner, sock).start()
    log.info(
        "server started",
        url=f"http://{host}:{port}",
        version=VERSION_DISPLAY,
        data_dir=str(config.data_dir),
        pid=os.getpid(),
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    watchdog = Watchdog(runtime.core_actors(), lambda: loop.call_soon_threadsafe(stop.set)).start()
    stops = [signal.SIGINT, signal.SIGTERM]
    if hasattr(signal, "SIGBREAK"):  # Windows has no SIGTERM; services stop us with CTRL_BREAK
        stops.append(signal.SIGBREAK)
    for sig in stops:
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, AttributeError):  # Windows: no loop signal handlers
            signal.signal(sig, lambda *_: loop.call_soon_threadsafe(stop.set))
    await stop.wait()
    log.info("shutdown requested", grace=config.server.shutdown_grace)
    grace = config.server.shutdown_grace + config.execution.kill_grace
    watchdog.shutdown_begins(grace + EXIT_MARGIN)
    await loop.run_in_executor(None, runtime.drain, config.server.shutdown_grace)
    await runner.cleanup()
    log.info("server stopped")
    return watchdog.exit_code


def announce_admin(config: Config, created: dict[str, str]) -> None:
    """Show the first admin's generated secrets once, and keep them in a file only the owner
    reads. Secrets given through the environment are neither shown nor written."""
    shown = {k: created[k] for k in ("password", "api_key") if k in created}
    if not shown:
        log.info("admin user created with the password and API key from the environment")
        return
    path = config.data_dir / "initial-admin.txt"
    lines = [
        "Orchestrator initial admin credentials (shown once; keep them safe):",
        f"  username: {created['username']}",
    ]
    lines += [f"  password: {shown['password']}"] if "password" in shown else []
    lines += [f"  api key:  {shown['api_key']}"] if "api_key" in shown else []
    url = f"http://{config.server.host}:{config.server.port}"
    lines += [f"  server:   {url}", f"  web UI:   {url}/ui/"]
    text = "\n".join(lines) + "\n"

    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    shown_text = text + f"  (also written to {path})\n"
    if "api_key" in shown:  # for the console only: the file keeps just the credentials
        shown_text += f"Use the CLI with:\n  export ORCH_API_KEY={shown['api_key']}\n"
    print(shown_text, end="", flush=True)
