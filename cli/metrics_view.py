"""The `GET /metrics` document as short lines for people, shared by `metrics` and `status`.

Pure functions of the document: no requests, no printing. Every field may be missing or null
(an older server, no sample yet), and then reads as '-' rather than failing.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping
from typing import Any

from cli.states import OWNER_STATES, STEP_STATES
from cli.table import seconds, when

# Run and owner states in the order people follow a run through them; others come after.
STATE_ORDER = (*OWNER_STATES, *(s for s in STEP_STATES if s not in OWNER_STATES))
UNITS = ("B", "KiB", "MiB", "GiB", "TiB")
LABEL_WIDTH = 11
WIDTH = 80


def section(doc: Any, key: str) -> Mapping[str, Any]:
    """A sub-object of the document, or an empty one when it is missing or not an object."""
    value = doc.get(key) if isinstance(doc, Mapping) else None
    return value if isinstance(value, Mapping) else {}


def human_bytes(value: Any) -> str:
    """A byte count as '512 B', '1.5 KiB', '23.5 GiB'."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "-"
    amount = float(value)
    for unit in UNITS:
        if abs(amount) < 1024 or unit == UNITS[-1]:
            return f"{amount:.0f} {unit}" if unit == "B" else f"{amount:.1f} {unit}"
        amount /= 1024
    return "-"


def percent(value: Any) -> str:
    return f"{value:g}%" if isinstance(value, int | float) else "-"


def number(value: Any) -> str:
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else "-"


def by_state(counts: Any) -> str:
    """'succeeded 3, failed 2' in the order of STATE_ORDER; 'none' when nothing is counted."""
    if not isinstance(counts, Mapping) or not counts:
        return "none"
    rank = {state: index for index, state in enumerate(STATE_ORDER)}
    ordered = sorted(counts, key=lambda state: (rank.get(state, len(rank)), state))
    return ", ".join(f"{state} {counts[state]}" for state in ordered)


def owners(doc: Any, key: str) -> str:
    """Jobs or pipelines: '3: never_run 1, succeeded 2'."""
    part = section(doc, key)
    counts = part.get("by_state")
    detail = f": {by_state(counts)}" if isinstance(counts, Mapping) and counts else ""
    return f"{number(part.get('total'))}{detail}"


def schedules(doc: Any) -> str:
    part = section(doc, "schedules")
    return (
        f"{number(part.get('total'))}: {number(part.get('enabled'))} enabled, "
        f"{number(part.get('paused'))} paused"
    )


def runs_now(doc: Any) -> str:
    runs = section(doc, "runs")
    return (
        f"{number(runs.get('running'))} running, {number(runs.get('queued'))} queued, "
        f"{number(runs.get('pipelines_running'))} pipeline(s) running"
    )


def runs_24h(doc: Any) -> str:
    """Runs created in the last 24 hours by their state now (finished or not), then how many
    of them have finished: '7 runs: running 1, succeeded 6; 6 finished'."""
    runs = section(doc, "runs")
    counts = runs.get("by_state_24h")
    if not isinstance(counts, Mapping) or not counts:
        return "no runs"
    created = sum(v for v in counts.values() if isinstance(v, int))
    return f"{created} runs: {by_state(counts)}; {number(runs.get('finished_24h'))} finished"


def durations(doc: Any) -> str:
    spread = section(section(doc, "runs"), "duration_24h")
    if not any(spread.get(key) is not None for key in ("p50", "p90", "p99", "max")):
        return "no finished runs"
    return ", ".join(f"{key} {seconds(spread.get(key))}" for key in ("p50", "p90", "p99", "max"))


def memory(system: Mapping[str, Any]) -> str:
    mem = section(system, "memory")
    return (
        f"memory {percent(mem.get('percent'))} used, {human_bytes(mem.get('available'))} "
        f"available of {human_bytes(mem.get('total'))}"
    )


def disk(system: Mapping[str, Any]) -> str:
    part = section(system, "disk")
    return (
        f"disk {percent(part.get('percent'))} used, {human_bytes(part.get('free'))} free of "
        f"{human_bytes(part.get('total'))} (data directory)"
    )


def io(system: Mapping[str, Any]) -> list[str]:
    """Bytes moved since the machine started: disk, then network."""
    part = section(system, "io")
    return [
        f"disk read {human_bytes(part.get('disk_read_bytes'))}, "
        f"written {human_bytes(part.get('disk_write_bytes'))}",
        f"network sent {human_bytes(part.get('net_sent_bytes'))}, "
        f"received {human_bytes(part.get('net_recv_bytes'))}",
    ]


def process(doc: Any) -> str:
    proc = section(doc, "process")
    return (
        f"pid {number(proc.get('pid'))}, CPU {percent(proc.get('cpu_percent'))}, "
        f"RSS {human_bytes(proc.get('rss'))}, {number(proc.get('threads'))} threads, "
        f"{number(proc.get('open_files'))} open files"
    )


def resources(doc: Any) -> str:
    """One line for `status`: the machine's load and the server's own memory."""
    system = section(doc, "system")
    return (
        f"CPU {percent(system.get('cpu_percent'))}, "
        f"memory {percent(section(system, 'memory').get('percent'))}, "
        f"disk {percent(section(system, 'disk').get('percent'))}, "
        f"server RSS {human_bytes(section(doc, 'process').get('rss'))}"
    )


def internals(doc: Any) -> list[str]:
    """The store's commits and the actors' messages since start, and what waits in inboxes."""
    store, actors = section(doc, "store"), section(doc, "actors")
    kinds = section(actors, "by_kind")
    entries = [(k, v) for k, v in kinds.items() if isinstance(v, Mapping)]
    waiting = sum(v.get("inbox") or 0 for _, v in entries)
    deepest = max(entries, key=lambda kv: kv[1].get("inbox_max") or 0, default=None)
    where = f", deepest {deepest[1].get('inbox_max')} ({deepest[0]})" if deepest else ""
    return [
        f"store {number(store.get('commits'))} commits, "
        f"{number(store.get('rows_written'))} rows written",
        f"actors {number(actors.get('messages_total'))} messages handled, "
        f"{waiting if entries else '-'} waiting{where}",
    ]


def block(rows: Iterable[tuple[str, str | list[str]]], width: int = WIDTH) -> str:
    """Labelled lines within `width` columns: a label shows once, its further lines (given or
    wrapped) are indented under the first."""
    lines = []
    for label, text in rows:
        texts = text if isinstance(text, list) else [text]
        wrapped = [part for line in texts for part in textwrap.wrap(line, width - LABEL_WIDTH)]
        for index, line in enumerate(wrapped or ["-"]):
            lines.append(f"{(label if index == 0 else ''):<{LABEL_WIDTH}}{line}".rstrip())
    return "\n".join(lines)


def metrics_screen(doc: Any) -> str:
    """The whole `metrics` screen."""
    system = section(doc, "system")
    cores = number(system.get("cpu_count"))
    title = f"Metrics at {when(doc.get('time') if isinstance(doc, Mapping) else None)}"
    rows = [
        (
            "System",
            [f"CPU {percent(system.get('cpu_percent'))} of {cores} cores", memory(system)]
            + [disk(system), *io(system)],
        ),
        ("Process", process(doc)),
        ("Runs now", runs_now(doc)),
        ("Last 24 h", runs_24h(doc)),
        ("Durations", durations(doc)),
        ("Jobs", owners(doc, "jobs")),
        ("Pipelines", owners(doc, "pipelines")),
        ("Schedules", schedules(doc)),
        ("Internals", internals(doc)),
    ]
    return title + "\n\n" + block(rows)
