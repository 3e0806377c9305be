"""How Storage commits each message, and what it tells its subscribers after a commit.

The commit policy is declared on the message class (`COMMIT`), not in a list kept by Storage:

- `ACK`: the ask's writes are on disk before its reply (everything that changes what a person
  asked to change);
- `SOON` (the default, also for reads): committed as soon as Storage has nothing else to do,
  so a run that ended reaches its waiters without waiting for a timer;
- `GROUPED`: progress nobody waits on (a run started, a waiting reason, marks, deliveries),
  committed with whatever comes next, at the latest after the group-commit window;
- `CONFIRMED`: committed as `SOON`, with whatever else is pending (one commit), and the ask is
  answered only once that commit succeeded; a failed commit keeps the writes pending, retried,
  and the answer waits for them (pipeline steps: created in the commit that ends the previous).

After every commit Storage tells each subscriber given at its construction (the Notifier, the
gateway's waiters, ...) one `Committed`; when a commit fails it tells them `StoreFailed`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from orchestrator.models.run import TERMINAL

ACK = "ack"
SOON = "soon"
GROUPED = "grouped"
CONFIRMED = "confirmed"


class Acked:
    """Marker base: Storage commits this message's writes before it replies."""

    COMMIT: ClassVar[str] = ACK


class Grouped:
    """Marker base: Storage commits this message with the next group (within the window)."""

    COMMIT: ClassVar[str] = GROUPED


class Confirmed:
    """Marker base: Storage answers this ask once its writes are committed with the others."""

    COMMIT: ClassVar[str] = CONFIRMED


def commit_policy(message: Any) -> str:
    """ACK, SOON, GROUPED or CONFIRMED: how Storage commits `message` (SOON by default)."""
    return getattr(message, "COMMIT", SOON)


@dataclass(frozen=True)
class Committed:
    """Tell, from Storage to its subscribers: what one commit wrote that others react to.

    `runs`: every run record written (latest first wins; finished ones end waits and send
    webhooks); `webhooks_changed`: webhook definitions were written (the Notifier's list of
    subscribers is stale)."""

    runs: tuple[dict[str, Any], ...] = ()
    webhooks_changed: bool = False

    def any_ended(self) -> bool:
        """Whether a run reached a final state in this commit."""
        return any(run["state"] in TERMINAL for run in self.runs)


def notifier_wants(message: Any, webhooks: Any = None) -> bool:
    """What the Notifier is woken for: ended runs (only while some webhook is defined, when
    `webhooks`, Storage's collection of them, is given), changed webhooks, store failures."""
    if isinstance(message, Committed):
        if message.webhooks_changed:
            return True
        return (webhooks is None or len(webhooks) > 0) and message.any_ended()
    return True


@dataclass(frozen=True)
class StoreFailed:
    """Tell, from Storage to its subscribers: a commit failed (the first of a failing spell)."""

    message: str
    details: dict[str, Any] = field(default_factory=dict)
