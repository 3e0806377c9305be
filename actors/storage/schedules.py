"""The Storage actor's handlers for schedules: targets, pause and resume, marks and fires."""

from __future__ import annotations

from typing import Any

from actors import messages as m
from orchestrator.definitions import schedules as sops
from orchestrator.errors import NotFound
from orchestrator.log import get_logger
from orchestrator.runs.creation import fire_targets

log = get_logger("orchestrator.storage")


def schedule_target(storage: Any, message: m.ScheduleTarget) -> dict:
    change = sops.add_target if message.add else sops.remove_target
    schedule = change(storage.store, message.ref, message.target)
    log.info(
        "schedule targets changed", id=schedule["id"], target=message.target, added=message.add
    )
    return schedule


def set_enabled(storage: Any, message: m.SetEnabled) -> dict:
    schedule = sops.set_enabled(storage.store, message.ref, message.enabled)
    log.info("schedule resumed" if message.enabled else "schedule paused", id=schedule["id"])
    return schedule


def save_marks(storage: Any, message: m.SaveMarks) -> None:
    if message.schedule_id in storage.store.schedules:
        storage.store.save_marks(message.schedule_id, message.marks)


def schedules_to_start(storage: Any, message: m.SchedulesToStart) -> list[tuple[dict, dict]]:
    store, wanted = storage.store, message.schedule_id
    chosen = [store.schedules.get(wanted)] if wanted else store.schedules.values()
    return [(s, store.marks.get(s["id"], {})) for s in chosen if s and s["enabled"]]


def create_scheduled_runs(storage: Any, message: m.CreateScheduledRuns) -> tuple[list, list]:
    # Marks and runs in this one message, committed once before the reply (it is Acked).
    started, skipped = fire_targets(storage.store, message.schedule_id, message.due, message.marks)
    storage.pending_events.extend(run for _, run in started)
    return started, skipped


def create_scheduled_fires(storage: Any, message: m.CreateScheduledFires) -> list[tuple]:
    """Every fire due at one time in this one message: one commit holds all their marks and
    runs. A schedule deleted before its fire is answered NotFound; the others go on."""
    results = []
    for schedule_id, due, marks in message.fires:
        try:
            started, skipped = fire_targets(storage.store, schedule_id, due, marks)
        except NotFound as err:  # checked before anything is written
            results.append((schedule_id, due, None, err))
            continue
        storage.pending_events.extend(run for _, run in started)
        results.append((schedule_id, due, (started, skipped), None))
    return results


HANDLERS = {
    m.ScheduleTarget: schedule_target,
    m.SetEnabled: set_enabled,
    m.SaveMarks: save_marks,
    m.SchedulesToStart: schedules_to_start,
    m.CreateScheduledRuns: create_scheduled_runs,
    m.CreateScheduledFires: create_scheduled_fires,
}
