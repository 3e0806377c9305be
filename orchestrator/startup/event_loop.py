"""The asyncio event loop the server (and the bare server of `bench/bare.py`) runs on.

`server.event_loop` chooses it: `asyncio` (the default) is the standard library's loop;
`uvloop` is the optional uvloop package (`pip install orchestrator[fast]`, not on Windows), a
loop written in C over libuv; `auto` takes uvloop when it can be imported and asyncio otherwise.
The gateway only uses what both loops offer (sockets, executors, signal handlers, thread-safe
callbacks). uvloop is not the default: on 2 cores it cut the server's CPU per run by some 10 %
but delayed schedule fires and pipeline fan-outs (the A/B is in `bench/README.md`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from orchestrator.errors import ConfigError
from orchestrator.log import get_logger

CHOICES = ("auto", "asyncio", "uvloop")
log = get_logger("orchestrator.startup")


def factory(choice: str) -> tuple[str, Callable[[], asyncio.AbstractEventLoop] | None]:
    """The loop's name and what makes one (None: asyncio's default) for a `server.event_loop`."""
    if choice == "asyncio":
        return "asyncio", None
    try:
        import uvloop
    except ImportError:
        if choice == "uvloop":
            raise ConfigError(
                "server.event_loop is uvloop but uvloop is not installed "
                "(pip install uvloop; it does not exist on Windows)"
            ) from None
        return "asyncio", None
    return "uvloop", uvloop.new_event_loop


def run(choice: str, main: Coroutine[Any, Any, Any]) -> Any:
    """`asyncio.run(main)` on the loop `choice` gives; logs which one it is."""
    try:
        name, make = factory(choice)
    except ConfigError:
        main.close()  # never awaited: say nothing more about it than the error
        raise
    log.info("event loop chosen", event_loop=name, setting=choice)
    with asyncio.Runner(loop_factory=make) as runner:
        return runner.run(main)
