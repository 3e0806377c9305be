"""The audit entries of one turn of the event loop, told to Storage as one message.

Every audited request ends with an entry for the trail. Told one by one, each would wake the
Storage thread on its own; requests answered in the same turn of the loop (many clients at
once) share one `Audit` message instead, sent at the start of the next turn, in order.
"""

from __future__ import annotations

import asyncio
from typing import Any

from actors import messages as m


class AuditBatch:
    def __init__(self, storage: Any) -> None:
        self.storage = storage
        self.entries: list[dict[str, Any]] = []

    def add(self, entry: dict[str, Any]) -> None:
        """Queue `entry` (on the gateway's loop); it is told with the others of this turn."""
        if not self.entries:
            asyncio.get_running_loop().call_soon(self.send)
        self.entries.append(entry)

    def send(self) -> None:
        entries, self.entries = self.entries, []
        if entries:
            self.storage.tell(m.Audit(tuple(entries)))
