"""Find and stop the processes of runs that a crashed server left behind.

A job's process tree runs in its own session, so it outlives a server killed with SIGKILL. Every
run's processes carry `ORCH_RUN_ID` in their environment, which identifies them without trusting
PIDs that may have been reused since.
"""

from __future__ import annotations

import contextlib

import psutil

from orchestrator.log import get_logger

log = get_logger("orchestrator.execution")


def stop_leftovers(run_ids: set[str], grace: float = 3.0) -> int:
    """Terminate (then kill) every process whose ORCH_RUN_ID is one of `run_ids`."""
    if not run_ids:
        return 0
    found = []
    for proc in psutil.process_iter():
        try:
            if proc.environ().get("ORCH_RUN_ID") in run_ids:
                found.append(proc)
        except (psutil.Error, OSError):
            continue  # gone, a zombie, or not ours to read
    for proc in found:
        with contextlib.suppress(psutil.Error):
            proc.terminate()
    _, alive = psutil.wait_procs(found, timeout=grace)
    for proc in alive:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    if found:
        log.info("stopped processes left by interrupted runs", processes=len(found))
    return len(found)
