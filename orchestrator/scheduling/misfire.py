"""What a schedule does about the fires it missed while the server was down.

- `skip`: nothing; the next fire is the next due time after now.
- `run_once`: one fire now if at least one was missed (within `max_lateness`).
- `run_all`: every missed fire (within `max_lateness`, at most the last day and 1000 fires).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from orchestrator.scheduling.cron import Cron

RUN_ALL_WINDOW = timedelta(days=1)
RUN_ALL_LIMIT = 1000


def missed_fires(
    cron: Cron, checkpoint: datetime, now: datetime, policy: str, max_lateness: float | None
) -> list[datetime]:
    """The due times to fire now, oldest first, for the fires missed in (checkpoint, now]."""
    oldest = checkpoint
    if max_lateness is not None:
        oldest = max(oldest, now - timedelta(seconds=max_lateness))
    if policy == "skip":
        return []
    if policy == "run_once":
        due = _latest_before(cron, oldest, now)
        return [due] if due is not None else []
    oldest = max(oldest, now - RUN_ALL_WINDOW)
    return cron.fires_between(oldest, now, limit=RUN_ALL_LIMIT)


def _latest_before(cron: Cron, start: datetime, end: datetime) -> datetime | None:
    """The last fire time in (start, end], without walking every fire of a long outage."""
    first = cron.next_after(start)
    if first > end:
        return None
    window = timedelta(seconds=1)
    while True:
        recent = cron.fires_between(max(start, end - window), end, limit=1)
        if recent:
            return recent[-1]
        window *= 4
