"""The watchdog: a dead core actor ends the server with exit code 1, and a shutdown that hangs
is ended by its deadline."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

from orchestrator.startup.watchdog import Watchdog
from tests.support import ROOT


class FakeActor:
    """Answers is_alive() as told."""

    def __init__(self) -> None:
        self.alive = True

    def is_alive(self) -> bool:
        return self.alive


class TestDeadActor:
    def test_a_dead_core_actor_asks_for_the_exit_with_code_1(self) -> None:
        """While every actor lives nothing happens; once one dies, on_death is called once and
        the exit code becomes 1."""
        storage, supervisor = FakeActor(), FakeActor()
        died = threading.Event()
        calls: list[int] = []

        def on_death() -> None:
            calls.append(1)
            died.set()

        watchdog = Watchdog({"Storage": storage, "Supervisor": supervisor}, on_death).start()
        assert not died.wait(1.2) and watchdog.exit_code == 0
        supervisor.alive = False
        assert died.wait(5)
        assert watchdog.exit_code == 1 and calls == [1]

    def test_actors_stopped_by_a_shutdown_are_not_a_death(self) -> None:
        """After shutdown_begins, actors stopping on purpose do not change the exit code."""
        actor = FakeActor()
        died = threading.Event()
        watchdog = Watchdog({"Storage": actor}, died.set).start()
        watchdog.shutdown_begins(3600)
        actor.alive = False
        assert not died.wait(1.2) and watchdog.exit_code == 0


SCRIPT = """
import time
from orchestrator.startup.watchdog import Watchdog
Watchdog({}, lambda: None).start().shutdown_begins(0.3)
time.sleep(60)  # a stop that never finishes
"""


class TestShutdownDeadline:
    def test_a_hanging_shutdown_ends_at_the_deadline(self) -> None:
        """A process whose shutdown hangs exits with code 1 soon after the deadline, saying so."""
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT], capture_output=True, text=True, cwd=ROOT, timeout=50
        )
        assert done.returncode == 1
        assert time.monotonic() - started < 30
        assert "shutdown did not finish in time" in done.stderr
