"""Messages of operations: webhooks and the Notifier, metrics, retention, export, import."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from actors.messages.channel import Acked, Grouped

# --- Webhooks and the Notifier -------------------------------------------------------------


@dataclass(frozen=True)
class Subscribers:
    """Ask Storage: the enabled webhooks that want `event`, secrets included (Notifier only)."""

    event: str


@dataclass(frozen=True)
class SaveDelivery(Grouped):
    """Tell Storage: the latest state of one delivery of a webhook (kept: the last 50)."""

    webhook_id: str
    delivery: dict[str, Any]


@dataclass(frozen=True)
class SystemError:
    """Tell the Notifier: something critical happened (store failure, actor crash, start-up)."""

    message: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TestWebhook:
    """Ask the Notifier: send a `test` event to one webhook now; replies the delivery ID."""

    webhook_id: str


# --- Metrics, retention, export and import -------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """Ask Storage: definitions and runs counted by state, and run durations, as of `now`."""

    now: datetime


@dataclass(frozen=True)
class Tick:
    """Tell, from the Timekeeper: time for a periodic task (the sampler's sample)."""


@dataclass(frozen=True)
class LatestSample:
    """Ask the Sampler: the most recent system sample."""


@dataclass(frozen=True)
class SampleHistory:
    """Ask the Sampler: the samples kept (one hour), oldest first."""


@dataclass(frozen=True)
class Purge(Acked):
    """Storage: apply retention as of `now` (told hourly by the Timekeeper, or asked)."""

    now: datetime


@dataclass(frozen=True)
class RetentionInForce:
    """Storage: the retention settings, when the next purge comes, and what a purge as of
    `now` would remove (nothing changes)."""

    now: datetime


@dataclass(frozen=True)
class Export:
    """Ask Storage: jobs, pipelines, schedules and webhooks as one document."""

    include_secrets: bool = False


@dataclass(frozen=True)
class Import(Acked):
    """Ask Storage: validate a whole document, then (unless `dry_run`) apply it."""

    document: dict[str, Any]
    mode: str  # "merge" | "replace"
    dry_run: bool
    user: str
