"""What jobs and pipelines share as owners of runs and schedule targets: when they may go."""

from __future__ import annotations

from orchestrator.definitions.schedules import drop_target_everywhere, schedules_using
from orchestrator.errors import Conflict
from orchestrator.store.store import Store


def check_unused(store: Store, owner: dict, force: bool) -> None:
    """Refuse to delete what schedules target or what has runs going, unless forced; forcing
    takes it out of its schedules."""
    label = "Job" if owner["id"].startswith("J") else "Pipeline"
    schedules = [s["name"] for s in schedules_using(store, owner["id"])]
    if schedules and not force:
        raise Conflict(
            f"{label} '{owner['name']}' is a target of schedule(s) {', '.join(schedules)}; "
            "use force=true.",
            {"schedules": schedules},
        )
    if owner["id"] in store.runs.active_owners() and not force:
        raise Conflict(
            f"{label} '{owner['name']}' has runs in progress; cancel them or use force=true."
        )
    drop_target_everywhere(store, owner["id"])
