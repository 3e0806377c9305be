"""The in-memory log buffer behind GET /logs: record shape, filters, ring size, subscribers."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from orchestrator.errors import ValidationError
from orchestrator.log import LogControl, get_logger, setup_logging

log = get_logger("orchestrator.gateway")


@pytest.fixture
def logs(tmp_path: Path) -> Iterator[LogControl]:
    """Logging at debug level into tmp_path/logs, without console output."""
    control = setup_logging(tmp_path / "logs", level="debug", console=False)
    yield control
    control.close()


def messages(records: list[dict]) -> list[str]:
    return [record["message"] for record in records]


class TestRecords:
    def test_record_shape(self, logs: LogControl) -> None:
        """Each record is the API's dict: seq, UTC ISO time, level, logger, message, fields."""
        log.info("job created", job_id="J123", tags=["a", "b"], where=Path("/srv"))
        (record,) = logs.buffer.query()
        assert set(record) == {"seq", "time", "level", "logger", "message", "fields"}
        assert record["level"] == "info" and record["logger"] == "orchestrator.gateway"
        assert record["message"] == "job created"
        assert record["fields"] == {"job_id": "J123", "tags": ["a", "b"], "where": "/srv"}
        moment = datetime.fromisoformat(record["time"])
        assert record["time"].endswith("+00:00")
        assert abs(datetime.now(UTC) - moment) < timedelta(seconds=5)

    def test_level_names_stay_within_the_four(self, logs: LogControl) -> None:
        """A third-party CRITICAL record is listed as an error, the API's highest level."""
        logging.getLogger("asyncio").critical("loop is broken")
        assert logs.buffer.query(level="error")[-1]["level"] == "error"

    def test_exception_text_is_a_field(self, logs: LogControl) -> None:
        """A logged exception keeps its traceback in fields["exception"]."""
        try:
            raise KeyError("gone")
        except KeyError:
            log.exception("lookup failed")
        assert "KeyError: 'gone'" in logs.buffer.query()[-1]["fields"]["exception"]

    def test_sequence_numbers_increase_across_threads(self, logs: LogControl) -> None:
        """Records from many threads get distinct, increasing sequence numbers."""

        def work(worker: int) -> None:
            for number in range(100):
                log.debug("tick", worker=worker, number=number)

        threads = [threading.Thread(target=work, args=(worker,)) for worker in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seqs = [record["seq"] for record in logs.buffer.query(limit=1000)]
        assert len(seqs) == 400 and seqs == sorted(set(seqs))

    def test_ring_keeps_only_the_newest(self, tmp_path: Path) -> None:
        """With buffer_size 3, older records fall out and numbering continues."""
        control = setup_logging(tmp_path / "logs", console=False, buffer_size=3)
        try:
            for number in range(5):
                log.info(f"record {number}")
            records = control.buffer.query()
        finally:
            control.close()
        assert messages(records) == ["record 2", "record 3", "record 4"]
        assert [record["seq"] for record in records] == [3, 4, 5]


class TestQuery:
    def test_level_means_that_level_and_above(self, logs: LogControl) -> None:
        """level="warning" keeps warnings and errors."""
        for level in ("debug", "info", "warning", "error"):
            getattr(log, level)(level)
        assert messages(logs.buffer.query(level="warning")) == ["warning", "error"]
        assert len(logs.buffer.query(level="debug")) == 4
        with pytest.raises(ValidationError):
            logs.buffer.query(level="loud")

    def test_since_keeps_later_records(self, logs: LogControl) -> None:
        """since keeps records at or after the given time; naive times are UTC."""
        log.info("old")
        (old,) = logs.buffer.query()
        assert messages(logs.buffer.query(since=datetime.fromisoformat(old["time"]))) == ["old"]
        assert logs.buffer.query(since=datetime.now(UTC) + timedelta(hours=1)) == []
        naive_past = (datetime.now(UTC) - timedelta(hours=1)).replace(tzinfo=None)
        assert messages(logs.buffer.query(since=naive_past)) == ["old"]

    def test_q_searches_message_logger_and_fields(self, logs: LogControl) -> None:
        """q is a case-insensitive substring of the message, the logger name or the fields."""
        log.info("Job Created", job_id="J1")
        get_logger("orchestrator.store").info("saved")
        log.info("run started", run_id="RABC")
        assert messages(logs.buffer.query(q="job cre")) == ["Job Created"]
        assert messages(logs.buffer.query(q="STORE")) == ["saved"]
        assert messages(logs.buffer.query(q="run_id=rabc")) == ["run started"]

    def test_limit_returns_the_last_matches_oldest_first(self, logs: LogControl) -> None:
        """limit keeps the most recent matching records, in the order they were logged."""
        for number in range(10):
            log.info(f"record {number}", even=number % 2 == 0)
        assert messages(logs.buffer.query(limit=3)) == ["record 7", "record 8", "record 9"]
        evens = logs.buffer.query(q="even=true", limit=2)
        assert messages(evens) == ["record 6", "record 8"]
        assert logs.buffer.query(limit=0) == []

    def test_query_returns_copies(self, logs: LogControl) -> None:
        """Changing a returned record does not change the buffer."""
        log.info("original")
        logs.buffer.query()[0]["message"] = "changed"
        assert messages(logs.buffer.query()) == ["original"]


class TestSubscribe:
    def test_subscriber_gets_records_until_unsubscribed(self, logs: LogControl) -> None:
        """A subscriber sees every new record as it is logged, and none after unsubscribing."""
        seen: list[dict] = []
        unsubscribe = logs.buffer.subscribe(seen.append)
        log.info("first", n=1)
        logging_thread = threading.Thread(target=log.warning, args=("from a thread",))
        logging_thread.start()
        logging_thread.join()
        unsubscribe()
        unsubscribe()
        log.info("after")
        assert messages(seen) == ["first", "from a thread"]
        assert seen[0]["fields"] == {"n": 1} and seen[0]["seq"] < seen[1]["seq"]

    def test_failing_subscriber_does_not_break_logging(self, logs: LogControl) -> None:
        """An exception in one subscriber neither stops the record nor the other subscribers."""

        def broken(record: dict) -> None:
            raise RuntimeError("listener bug")

        seen: list[dict] = []
        logs.buffer.subscribe(broken)
        logs.buffer.subscribe(seen.append)
        log.info("still logged")
        assert messages(seen) == ["still logged"]
        assert messages(logs.buffer.query()) == ["still logged"]
