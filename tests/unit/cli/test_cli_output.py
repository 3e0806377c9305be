"""The CLI's pure parts: table fitting, value formats, parameter types, the waited-run verdict."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import click
import pytest
import yaml

from cli.client import ApiClient, path
from cli.logs import line
from cli.output import details, dump
from cli.params import TimeType, parse_pairs
from cli.table import Column, cell, render, seconds, size
from cli.waiting import is_finished, verdict, wait_for_run

JOB = {
    "id": "J7K2M9QXA",
    "name": "nightly-backup-of-the-customer-database",
    "command": "pg_dump --format=custom --file=/var/backups/customers.dump customers " * 3,
    "tags": ["backup", "db"],
    "env": {"A": "1", "B": "two"},
    "enabled": True,
    "timeout": 90.5,
}
COLUMNS = [
    Column("ID", "id", shrink=False),
    Column("NAME", "name"),
    Column("TAGS", "tags"),
    Column("COMMAND", "command"),
]


class TestTable:
    def test_fits_80_columns(self):
        """Long values are cut with an ellipsis so that every line fits 80 columns."""
        text = render([JOB, {**JOB, "id": "J00000001"}], COLUMNS, 80)
        lines = text.splitlines()
        assert lines[0].split() == ["ID", "NAME", "TAGS", "COMMAND"]
        assert all(len(row) <= 80 for row in lines)
        assert "J7K2M9QXA" in lines[1] and "…" in lines[1]

    def test_short_rows_are_not_cut(self):
        """A table that fits keeps every value whole."""
        text = render([{"id": "J1", "name": "a", "tags": [], "command": "true"}], COLUMNS, 80)
        assert text.splitlines()[1].split() == ["J1", "a", "-", "true"]

    def test_cell_formats(self):
        """Null, booleans, lists and objects read naturally on one line."""
        assert cell(None) == "-"
        assert cell(True) == "yes"
        assert cell(["a", "b"]) == "a, b"
        assert cell({"A": "1"}) == "A=1"
        assert cell("two\nlines") == "two lines"

    def test_durations_and_sizes(self):
        """Seconds and bytes are shown in units a person reads at a glance."""
        assert seconds(1.234) == "1.23s"
        assert seconds(185) == "3m 05s"
        assert seconds(7800) == "2h 10m"
        assert size(512) == "512 B"
        assert size(1536) == "1.5 KiB"


class TestDocuments:
    def test_json_is_the_document(self):
        """json output parses back to exactly the API's document."""
        assert json.loads(dump(JOB, "json")) == JOB

    def test_yaml_is_the_document(self):
        """yaml output parses back to the same document, in the API's key order."""
        text = dump(JOB, "yaml")
        assert yaml.safe_load(text) == JOB
        assert text.startswith("id: J7K2M9QXA")

    def test_details_order_and_nesting(self):
        """Details list the chosen fields first and put each attempt on its own line."""
        run = {"state": "failed", "id": "R1", "attempts": [{"number": 1}, {"number": 2}]}
        lines = details(run, ("id", "state")).splitlines()
        assert lines[0].split() == ["id", "R1"]
        assert lines[1].split() == ["state", "failed"]
        assert lines[2] == "attempts"
        assert [entry.strip() for entry in lines[3:]] == ["- number=1", "- number=2"]

    def test_log_line(self):
        """A log record reads as time, level, logger, message and its fields."""
        record = {"time": "2026-11-27T10:00:00+00:00", "level": "info", "logger": "gw"}
        text = line({**record, "message": "started", "fields": {"port": 8080}})
        assert text.endswith("INFO    gw: started port=8080")


class TestParams:
    def test_pairs(self):
        """K=V values become a dict; the value may hold '=' and be empty."""
        assert parse_pairs(None, None, ("A=1", "B=x=y", "C=")) == {"A": "1", "B": "x=y", "C": ""}
        assert parse_pairs(None, None, ()) is None

    def test_pairs_refuse_missing_equals(self):
        """A value without '=' is a usage error."""
        with pytest.raises(click.BadParameter):
            parse_pairs(None, None, ("A",))

    def test_relative_times(self):
        """'10m' is ahead for --at and behind for --since; signs force the direction."""
        now = datetime.now().astimezone()
        ahead = datetime.fromisoformat(TimeType(forward=True).convert("10m", None, None))
        behind = datetime.fromisoformat(TimeType(forward=False).convert("10m", None, None))
        forced = datetime.fromisoformat(TimeType(forward=False).convert("+1h", None, None))
        assert timedelta(minutes=9) < ahead - now < timedelta(minutes=11)
        assert timedelta(minutes=9) < now - behind < timedelta(minutes=11)
        assert forced > now

    def test_compound_durations(self):
        """'1h30m' and '2d 4h' add their parts."""
        now = datetime.now().astimezone()
        later = datetime.fromisoformat(TimeType(forward=True).convert("1h30m", None, None))
        days = datetime.fromisoformat(TimeType(forward=True).convert("2d 4h", None, None))
        assert timedelta(minutes=89) < later - now < timedelta(minutes=91)
        assert timedelta(hours=51) < days - now < timedelta(hours=53)

    def test_a_past_at_is_refused_with_the_time_understood(self):
        """For --at, '-5m' and a past date are usage errors that say what they meant."""
        at = TimeType(forward=True, future=True)
        for text in ("-5m", "2020-01-01T00:00"):
            with pytest.raises(click.BadParameter, match="which is in the past"):
                at.convert(text, None, None)
        with pytest.raises(click.BadParameter, match="2020-01-01T00:00:00"):
            at.convert("2020-01-01T00:00", None, None)

    def test_iso_times_keep_or_get_an_offset(self):
        """ISO 8601 passes through; a time without offset is taken as local time."""
        kept = TimeType().convert("2026-11-27T10:00:00+02:00", None, None)
        local = TimeType().convert("2026-11-27T10:00:00", None, None)
        assert kept == "2026-11-27T10:00:00+02:00"
        assert datetime.fromisoformat(local).tzinfo is not None

    def test_path_quotes_names(self):
        """IDs that are names with spaces or slashes stay one path segment each."""
        assert path("jobs", "my job/1", "run") == "/jobs/my%20job%2F1/run"


class TestVerdict:
    def test_states(self):
        """Only succeeded is success; active states are not finished; unknown ones are."""
        assert verdict({"id": "R1", "state": "succeeded"}, 5) is None
        failed = verdict({"id": "R1", "state": "failed", "exit_code": 3, "error": None}, 5)
        assert failed == "run R1 failed with exit code 3"
        explained = verdict({"id": "R1", "state": "timed_out", "error": "Killed after 5 s."}, 5)
        assert explained == "run R1 timed_out: Killed after 5 s."
        assert "still running" in verdict({"id": "R1", "state": "running"}, 5)
        assert not is_finished({"state": "retrying"})
        assert is_finished({"state": "some_future_state"})

    def test_wait_stops_at_the_deadline(self):
        """Past its deadline the wait returns the run as it is, without another request."""
        client = ApiClient("http://127.0.0.1:9")
        run = {"id": "R1", "state": "queued"}
        assert wait_for_run(client, run, deadline=0.0, clock=lambda: 1.0) is run
