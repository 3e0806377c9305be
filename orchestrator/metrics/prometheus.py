"""The `GET /metrics` document in the Prometheus text exposition format, version 0.0.4.

Every family is written with HELP and TYPE lines. States are written even when their count is
zero, so that a series does not vanish between scrapes and alerts on it keep working. Duration
quantiles are NaN while no run finished in the window, as Prometheus summaries do.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from orchestrator.models.run import RunState

PREFIX = "orchestrator_"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
RUN_STATES = tuple(state.value for state in RunState)
OWNER_STATES = (*RUN_STATES, "never_run")
_QUANTILES = (("0.5", "p50"), ("0.9", "p90"), ("0.99", "p99"))

Sample = tuple[Mapping[str, str], Any]

# Families of one unlabelled sample: name, type, help, and where the value sits in the document.
SINGLE: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("cpu_percent", "gauge", "Machine CPU use over the last sample period.",
     ("system", "cpu_percent")),
    ("cpu_count", "gauge", "Logical CPUs of the machine.", ("system", "cpu_count")),
    ("memory_total_bytes", "gauge", "Machine memory.", ("system", "memory", "total")),
    ("memory_available_bytes", "gauge", "Machine memory available for new work.",
     ("system", "memory", "available")),
    ("memory_used_bytes", "gauge", "Machine memory in use.", ("system", "memory", "used")),
    ("memory_percent", "gauge", "Machine memory in use, percent.", ("system", "memory", "percent")),
    ("disk_total_bytes", "gauge", "Disk of the data directory.", ("system", "disk", "total")),
    ("disk_used_bytes", "gauge", "Disk of the data directory in use.", ("system", "disk", "used")),
    ("disk_free_bytes", "gauge", "Disk of the data directory free.", ("system", "disk", "free")),
    ("disk_percent", "gauge", "Disk of the data directory in use, percent.",
     ("system", "disk", "percent")),
    ("disk_read_bytes_total", "counter", "Bytes read from the machine's disks.",
     ("system", "io", "disk_read_bytes")),
    ("disk_written_bytes_total", "counter", "Bytes written to the machine's disks.",
     ("system", "io", "disk_write_bytes")),
    ("network_sent_bytes_total", "counter", "Bytes the machine sent over the network.",
     ("system", "io", "net_sent_bytes")),
    ("network_received_bytes_total", "counter", "Bytes the machine received over the network.",
     ("system", "io", "net_recv_bytes")),
    ("process_rss_bytes", "gauge", "Resident memory of the server.", ("process", "rss")),
    ("process_threads", "gauge", "Threads of the server.", ("process", "threads")),
    ("process_open_files", "gauge", "Open file descriptors of the server (handles on Windows).",
     ("process", "open_files")),
    ("process_cpu_percent", "gauge", "CPU use of the server over the last sample period.",
     ("process", "cpu_percent")),
    ("runs_stored", "gauge", "Runs kept in the history.", ("runs", "total")),
    ("runs_active", "gauge", "Runs scheduled, queued, running or retrying.", ("runs", "active")),
    ("runs_running", "gauge", "Job runs executing now.", ("runs", "running")),
    ("runs_queued", "gauge", "Job runs waiting for a free slot.", ("runs", "queued")),
    ("runs_finished_24h", "gauge", "Runs created in the last 24 hours that have finished.",
     ("runs", "finished_24h")),
    ("store_commits_total", "counter", "Commits of the store since the server started.",
     ("store", "commits")),
    ("store_rows_written_total", "counter", "Rows written or deleted by those commits.",
     ("store", "rows_written")),
)  # fmt: skip

# Families with one sample per actor kind: name, type, help, the key in each kind's entry.
BY_KIND = (
    ("actor_messages_total", "counter", "Messages handled by actors of a kind since start.",
     "messages_total"),
    ("actors_alive", "gauge", "Actors of a kind alive now.", "alive"),
    ("actor_inbox_depth", "gauge", "Messages waiting in the inboxes of a kind's actors.", "inbox"),
    ("actor_inbox_depth_max", "gauge", "Messages waiting in the deepest inbox of a kind.",
     "inbox_max"),
)  # fmt: skip

# Families with one sample per state: name, help, the states always written, the value's place.
BY_STATE = (
    ("jobs", "Jobs by the state of their latest run.", OWNER_STATES, ("jobs", "by_state")),
    ("pipelines", "Pipelines by the state of their latest run.", OWNER_STATES,
     ("pipelines", "by_state")),
    ("runs_24h", "Runs created in the last 24 hours by state.", RUN_STATES,
     ("runs", "by_state_24h")),
)  # fmt: skip


def render(metrics: Mapping[str, Any]) -> str:
    """The exposition text of a `GET /metrics` document; missing parts are left out."""
    out: list[str] = []
    version = {"version": str(metrics.get("version", ""))}
    _family(out, "info", "gauge", "Version of the server.", [(version, 1)])
    for name, kind, text, path in SINGLE:
        _family(out, name, kind, text, [({}, _at(metrics, path))])
    for name, text, known, path in BY_STATE:
        _by_state(out, name, text, known, _at(metrics, path))
    kinds = _at(metrics, ("actors", "by_kind")) or {}
    for name, kind, text, key in BY_KIND:
        samples = [({"kind": k}, entry.get(key)) for k, entry in kinds.items()]
        _family(out, name, kind, text, samples)
    schedules = metrics.get("schedules") or {}
    split = [({"state": key}, schedules.get(key)) for key in ("enabled", "paused")]
    _family(out, "schedules", "gauge", "Schedules by whether they fire.", split)
    durations = _at(metrics, ("runs", "duration_24h"))
    if durations is not None:
        text = "Duration quantiles of the finished runs created in the last 24 hours."
        quantiles = [({"quantile": q}, _nan(durations.get(key))) for q, key in _QUANTILES]
        _family(out, "run_duration_seconds", "gauge", text, quantiles)
        text = "Longest finished run created in the last 24 hours."
        _family(out, "run_duration_max_seconds", "gauge", text, [({}, _nan(durations.get("max")))])
    return "\n".join(out) + "\n"


def _at(document: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = document
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _by_state(out: list[str], name: str, text: str, known: tuple[str, ...], by_state: Any) -> None:
    if isinstance(by_state, Mapping):
        samples = [({"state": s}, by_state.get(s, 0)) for s in _states(known, by_state)]
        _family(out, name, "gauge", text, samples)


def _states(known: tuple[str, ...], found: Mapping[str, Any]) -> list[str]:
    """The known states, then any other the data holds (so nothing counted is dropped)."""
    return [*known, *sorted(set(found) - set(known))]


def _family(out: list[str], name: str, kind: str, text: str, samples: Iterable[Sample]) -> None:
    """One metric family; samples whose value is None are left out, and so is an empty family."""
    name = PREFIX + name
    lines = [f"{name}{_labels(labels)} {_number(v)}" for labels, v in samples if v is not None]
    if lines:
        out += [f"# HELP {name} {_escape_help(text)}", f"# TYPE {name} {kind}", *lines]


def _labels(labels: Mapping[str, str]) -> str:
    if not labels:
        return ""
    pairs = ",".join(f'{key}="{_escape_label(str(value))}"' for key, value in labels.items())
    return "{" + pairs + "}"


def _escape_label(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _number(value: Any) -> str:
    number = float(value)
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "+Inf" if number > 0 else "-Inf"
    if number.is_integer() and abs(number) < 2**53:
        return str(int(number))
    return repr(number)


def _nan(value: Any) -> float:
    return math.nan if value is None else value
