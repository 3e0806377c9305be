"""The Storage actor's retention (`Purge`) and configuration transfer (`Export`, `Import`).

Split from `storage.py` by responsibility, like the principals. Retention runs when asked (the
gateway's `POST /system/purge`) and on a clock: after every purge the next one is armed with the
Timekeeper `every` seconds later, so purges never pile up and an asked one restarts the clock.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from actors import messages as m
from orchestrator.config_schema import RetentionConfig
from orchestrator.log import get_logger
from orchestrator.memory import release_memory
from orchestrator.models.fields import iso
from orchestrator.store import retention, transfer

log = get_logger("orchestrator.retention")

HANDLED = (m.Purge, m.RetentionInForce, m.Export, m.Import)


@dataclass
class Retention:
    """What the Storage actor needs to apply retention: the settings, the log directory whose
    rotated files expire, and the Timekeeper that wakes it (None: only when asked)."""

    settings: RetentionConfig = field(default_factory=RetentionConfig)
    log_dir: Path | None = None
    timekeeper: Any = None
    token: int | None = None
    due: float = 0.0

    @property
    def every(self) -> float:
        """Seconds between two purges (`retention.purge_interval`)."""
        return self.settings.purge_interval

    def rearm(self, ref: Any) -> None:
        """Arm the next purge `every` seconds from now, replacing one armed earlier."""
        if self.timekeeper is None:
            return
        if self.token is not None and time.time() < self.due:
            self.timekeeper.cancel(self.token)  # asked before its time: start the hour again
        self.due = time.time() + self.every
        moment = datetime.fromtimestamp(self.due, UTC)
        self.token = self.timekeeper.wake_at(self.due, ref, m.Purge(moment))


def handle(storage: Any, message: Any) -> Any:
    match message:
        case m.Purge(now):
            return purge(storage, now)
        case m.RetentionInForce(now):
            plan: Retention = storage.retention
            would_go = retention.preview(storage.store, plan.log_dir, now, plan.settings)
            return {
                **asdict(plan.settings),
                "next_purge_at": iso(datetime.fromtimestamp(plan.due, UTC)) if plan.due else None,
                "would_purge": would_go,
            }
        case m.Export(include_secrets):
            return transfer.export(storage.store, include_secrets)
        case m.Import(document, mode, dry_run, user):
            answer = transfer.import_document(
                storage.store, document, mode, dry_run, user, storage.defaults
            )
            outcomes = ("created", "updated", "deleted")
            counts = {k: sum(map(len, answer[k].values())) for k in outcomes}
            log.info("configuration imported", mode=mode, dry_run=dry_run, by=user, **counts)
            return answer
    raise TypeError(f"Storage cannot handle {type(message).__name__}")


def purge(storage: Any, now: datetime) -> dict[str, Any]:
    """Apply retention as of `now`; returns the counts purged. Never raises: a purge told by
    the Timekeeper that failed would otherwise stop the Storage actor."""
    plan: Retention = storage.retention
    settings = plan.settings
    started = time.perf_counter()
    try:
        counts: dict[str, Any] = retention.purge(
            storage.store, now, settings.runs_days, settings.keep_last_runs, settings.audit_days
        )
        counts["logs"] = (
            retention.purge_logs(plan.log_dir, now, settings.logs_days) if plan.log_dir else 0
        )
    except Exception as err:  # noqa: BLE001 - logged; the next purge tries again
        log.exception("retention failed")
        counts = {"runs": 0, "audit": 0, "logs": 0, "error": str(err)}
    else:
        seconds = round(time.perf_counter() - started, 3)
        log.info("retention purged", seconds=seconds, **counts)
        if counts["runs"] or counts["audit"]:  # what they held is free: give it back
            release_memory()
    finally:
        plan.rearm(storage.actor_ref)
    return counts


# Every message of this module goes to `handle`.
HANDLERS = dict.fromkeys(HANDLED, handle)
