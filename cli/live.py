"""Reading a run's output as it is written: the Server-Sent Events of
`GET /runs/{id}/output/stream`, over urllib, resumed with `Last-Event-ID` when the connection
drops or goes quiet, so that no text is lost or printed twice.

No click and no printing here: `cli/follow.py` decides what reaches the terminal.
"""

from __future__ import annotations

import http.client
import json
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TextIO

from cli.client import ApiClient, ApiError, path

log = logging.getLogger("orchestrator.cli.live")

# The server sends a keep-alive comment every 15 s; a read that waits longer than this means the
# connection is gone, and the stream is opened again from the last event it delivered.
READ_TIMEOUT = 40.0
# Pauses before reopening a stream that failed; after the last one the CLI gives up.
RECONNECT_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0)


def parse_events(lines: Iterable[str]) -> Iterator[tuple[str, str | None, str]]:
    """Group Server-Sent Events lines (newlines stripped) into (event, id, data) triples."""
    name, ident, data = "message", None, []
    for line in lines:
        if not line:
            if data:
                yield name, ident, "\n".join(data)
            name, ident, data = "message", None, []
        elif not line.startswith(":"):  # a comment such as the keep-alive
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "event":
                name = value
            elif field == "id":
                ident = value
            elif field == "data":
                data.append(value)


def _lines(resp: Any) -> Iterator[str]:
    for raw in resp:
        yield raw.decode("utf-8", errors="replace").rstrip("\r\n")


class OutputStream:
    """The `output` and `end` events of one run, across reconnections, until `end` or the
    deadline (on `clock`) passes. `last_id` is the cursor of the last event delivered."""

    def __init__(
        self,
        client: ApiClient,
        run_id: str,
        deadline: float | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.route = path("runs", run_id, "output", "stream")
        self.run_id = run_id
        self.deadline = deadline
        self.clock = clock
        self.sleep = sleep
        self.last_id: str | None = None
        self.ended = False

    def _remaining(self) -> float | None:
        return None if self.deadline is None else self.deadline - self.clock()

    def __iter__(self) -> Iterator[tuple[str, Mapping[str, Any]]]:
        failures = 0
        while True:
            remaining = self._remaining()
            if remaining is not None and remaining <= 0:
                return
            timeout = READ_TIMEOUT if remaining is None else min(READ_TIMEOUT, remaining)
            try:
                with self.client.open_events(self.route, self.last_id, timeout) as resp:
                    for name, ident, data in parse_events(_lines(resp)):
                        failures = 0
                        if ident is not None:
                            self.last_id = ident
                        try:
                            payload = json.loads(data)
                        except ValueError:
                            continue
                        yield name, payload if isinstance(payload, Mapping) else {}
                        if name == "end":
                            self.ended = True
                            return
                        remaining = self._remaining()
                        if remaining is not None and remaining <= 0:
                            return
            except ApiError as err:
                if err.status != 0:
                    raise
            except (OSError, http.client.HTTPException) as err:
                log.debug("output stream of %s broke: %s", self.run_id, err)
            if failures >= len(RECONNECT_DELAYS):
                raise ApiError(0, "unreachable", f"lost the output stream of run {self.run_id}")
            log.info("reopening the output stream of %s after %s", self.run_id, self.last_id)
            self.sleep(RECONNECT_DELAYS[failures])
            failures += 1


_LINE = re.compile(r"[^\n]*\n|[^\n]+")


class Printer:
    """Writes `output` events as they come: stdout text to `out`, stderr text to `err`; text of
        a pipeline's step starts each of its lines with `[step] `. It remembers which lines are left
    open, so that what it prints after the output starts on a line of its own."""

    def __init__(self, out: TextIO, err: TextIO) -> None:
        self.out = out
        self.err = err
        self.line_open: dict[tuple[str, str], bool] = {}

    def write(self, event: Mapping[str, Any]) -> None:
        stream = str(event.get("stream") or "stdout")
        text = str(event.get("text") or "")
        step = str(event.get("step") or "")
        text = self._prefixed((step, stream), f"[{step}] " if step else "", text)
        sink = self.err if stream == "stderr" else self.out
        sink.write(text)
        sink.flush()

    def _prefixed(self, key: tuple[str, str], prefix: str, text: str) -> str:
        parts = []
        open_line = self.line_open.get(key, False)
        for line in _LINE.findall(text):
            parts.append(line if open_line else prefix + line)
            open_line = not line.endswith("\n")
        self.line_open[key] = open_line
        return "".join(parts)

    def close_lines(self) -> None:
        """End any line a step left open, so the final line starts on a line of its own."""
        for (_, stream), open_line in self.line_open.items():
            if open_line:
                (self.err if stream == "stderr" else self.out).write("\n")
        self.line_open.clear()
