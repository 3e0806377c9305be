"""Serving: bring the system up, listen until SIGINT/SIGTERM, then shut down in order.

Shutdown stops new requests, lets running runs finish within `server.shutdown_grace`, marks what
was cut as `interrupted`, flushes the store and exits 0.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from typing import Any

from aiohttp import web

from orchestrator import VERSION_DISPLAY
from orchestrator.config import Config
from orchestrator.errors import OrchestratorError
from orchestrator.gateway.app import create_app
from orchestrator.gateway.keys import Services
from orchestrator.gateway.wire_errors import EnvelopeAppRunner
from orchestrator.log import get_logger, setup_logging

log = get_logger("orchestrator.server")


def serve_forever(config: Config, debug: bool) -> int:
    lg = config.logging
    try:
        logs = setup_logging(
            config.log_dir,
            lg.level,
            lg.console,
            debug,
            lg.buffer_size,
            lg.file_max_bytes,
            lg.file_backups,
        )
    except OSError as err:
        print(f"error: cannot write logs in {config.log_dir}: {err}", file=sys.stderr)
        return 1
    from orchestrator.runtime import Runtime

    try:
        runtime = Runtime(config)
    except Exception as err:  # noqa: BLE001 - one readable line, the traceback in the log
        log.debug("start-up failed", exc_info=True)
        print(f"error: cannot open the store at {config.store_path}: {err}", file=sys.stderr)
        logs.close()
        return 1
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
            runtime.hub,
            logs,
            sampler=runtime.sampler,
            notifier=runtime.notifier,
        )
        return asyncio.run(_serve(config, create_app(services), runtime))
    except OrchestratorError as err:
        print(f"error: {err.message}", file=sys.stderr)
        return 1
    finally:
        runtime.stop()
        logs.close()


async def _serve(config: Config, app: web.Application, runtime: Any) -> int:
    runner = EnvelopeAppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    host, port = config.server.host, config.server.port
    try:
        await web.TCPSite(runner, host, port, backlog=1024).start()
    except OSError as err:
        print(f"error: cannot listen on {host}:{port}: {err.strerror or err}", file=sys.stderr)
        await runner.cleanup()
        return 1
    log.info(
        "server started",
        url=f"http://{host}:{port}",
        version=VERSION_DISPLAY,
        data_dir=str(config.data_dir),
        pid=os.getpid(),
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
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
    await loop.run_in_executor(None, runtime.drain, config.server.shutdown_grace)
    await runner.cleanup()
    log.info("server stopped")
    return 0


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
    lines += [f"  server:   http://{config.server.host}:{config.server.port}"]
    text = "\n".join(lines) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    print(text + f"  (also written to {path})", flush=True)
