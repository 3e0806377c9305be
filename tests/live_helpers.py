"""Reading a run's live output in tests: Server-Sent Events parsed from a real HTTP stream."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

from tests.support import ServerProcess


def sse(
    server: ServerProcess, run_id: str, last_event_id: str | None = None, timeout: float = 30.0
) -> Iterator[dict[str, Any]]:
    """The events of `/runs/{id}/output/stream`, each as {"event", "id", "data"} (data decoded),
    until the server closes the stream."""
    headers = {"Authorization": f"Bearer {server.api_key}"}
    if last_event_id is not None:
        headers["Last-Event-ID"] = last_event_id
    url = f"{server.url}/runs/{run_id}/output/stream"
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        assert response.headers.get_content_type() == "text/event-stream"
        event: dict[str, Any] = {}
        for raw in response:
            line = raw.decode().rstrip("\n")
            if not line:
                if "data" in event:
                    event["data"] = json.loads(event["data"])
                    event.setdefault("event", "message")
                    yield event
                event = {}
            elif not line.startswith(":"):
                name, _, value = line.partition(": ")
                event[name] = value


def joined(events: list[dict[str, Any]], stream: str = "stdout") -> str:
    """The text of one stream, as a follower puts the `output` events together."""
    chosen = [e for e in events if e["event"] == "output" and e["data"]["stream"] == stream]
    return "".join(e["data"]["text"] for e in chosen)
