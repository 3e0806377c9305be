"""The watchdog: no actor death leaves the server half alive, and no stop hangs.

A core actor (Storage, Supervisor, Notifier, Sampler, Timekeeper) that dies while the server
runs is not restarted here: the server logs one error line naming it and shuts down with exit
code 1, so the service manager (systemd `Restart=on-failure`) starts it afresh with its state
read back from the store. Once a shutdown begins, a hard deadline ends the process even if an
actor or a run's process never lets go.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from orchestrator.log import get_logger

log = get_logger("orchestrator.startup")
INTERVAL = 0.5  # seconds between looks at the core actors
EXIT_MARGIN = 20.0  # seconds past the grace and kill grace (the actors' own stop) before exit


class Watchdog:
    def __init__(self, actors: dict[str, Any], on_death: Callable[[], None]) -> None:
        self.actors = actors
        self.on_death = on_death
        self.exit_code = 0
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="Watchdog", daemon=True)

    def start(self) -> Watchdog:
        self._thread.start()
        return self

    def _watch(self) -> None:
        while not self._stopping.wait(INTERVAL):
            dead = [name for name, actor in self.actors.items() if not actor.is_alive()]
            if dead and not self._stopping.is_set():
                self.exit_code = 1
                line = f"the {dead[0]} actor stopped unexpectedly; the server exits to restart"
                log.error(line, actor=dead[0])
                print(f"error: {line}", file=sys.stderr, flush=True)
                self.on_death()
                return

    def shutdown_begins(self, seconds: float) -> None:
        """Stop watching (actors now stop on purpose) and end the process after `seconds`."""
        self._stopping.set()
        timer = threading.Thread(target=self._deadline, args=(seconds,), daemon=True)
        timer.name = "ShutdownDeadline"
        timer.start()

    def _deadline(self, seconds: float) -> None:
        time.sleep(seconds)
        log.error("shutdown did not finish in time; exiting now", seconds=round(seconds, 1))
        print("error: shutdown did not finish in time; exiting now", file=sys.stderr, flush=True)
        os._exit(self.exit_code or 1)
