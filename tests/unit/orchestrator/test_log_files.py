"""The server's log files alone: batched lines, warnings at once and in order, rotation by the
size counted as lines are written, nothing lost at close."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from orchestrator.log_files import FLUSHER, ConsoleLines, RotatingLogFile


def record(level: int, text: str) -> logging.LogRecord:
    return logging.LogRecord("orchestrator.test", level, __file__, 1, text, None, None)


def handler_for(path: Path, flush_every: float | None, **kwargs: int) -> RotatingLogFile:
    handler = RotatingLogFile(path, flush_every, encoding="utf-8", **kwargs)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    return handler


class TestBatchedFile:
    """With `flush_every`, lines below WARNING wait for the flusher; warnings go at once."""

    def test_info_lines_wait_for_the_flusher(self, tmp_path: Path) -> None:
        path = tmp_path / "info.log"
        handler = handler_for(path, 3600.0)  # the flusher will not come during this test
        try:
            handler.handle(record(logging.INFO, "first"))
            assert not path.exists() or path.read_text() == ""
            handler.write_queued()  # what the flusher does
            assert path.read_text() == "INFO first\n"
        finally:
            handler.close()

    def test_a_warning_writes_what_was_queued_before_it_in_order(self, tmp_path: Path) -> None:
        path = tmp_path / "all.log"
        handler = handler_for(path, 3600.0)
        try:
            handler.handle(record(logging.INFO, "one"))
            handler.handle(record(logging.WARNING, "two"))
            assert path.read_text() == "INFO one\nWARNING two\n"
        finally:
            handler.close()

    def test_close_writes_everything_queued(self, tmp_path: Path) -> None:
        path = tmp_path / "info.log"
        handler = handler_for(path, 3600.0)
        handler.handle(record(logging.INFO, "last words"))
        handler.close()
        assert path.read_text() == "INFO last words\n"
        assert handler not in set(FLUSHER.files)

    def test_the_flusher_thread_writes_within_its_period(self, tmp_path: Path) -> None:
        path = tmp_path / "info.log"
        handler = handler_for(path, 0.05)
        try:
            handler.handle(record(logging.INFO, "soon"))
            deadline = 200
            while deadline and (not path.exists() or "soon" not in path.read_text()):
                FLUSHER.thread.join(0.05)  # type: ignore[union-attr] - started by the handler
                deadline -= 1
            assert "soon" in path.read_text()
        finally:
            handler.close()


class TestRotation:
    """The file rolls over when the next line would pass maxBytes, counted without `tell()`."""

    def test_rolls_over_by_counted_size(self, tmp_path: Path) -> None:
        path = tmp_path / "info.log"
        handler = handler_for(path, None, maxBytes=40, backupCount=2)
        try:
            for number in range(6):
                handler.handle(record(logging.INFO, f"line number {number}"))  # 21 bytes each
        finally:
            handler.close()
        assert path.read_text() == "INFO line number 4\nINFO line number 5\n"
        assert (tmp_path / "info.log.1").read_text() == "INFO line number 2\nINFO line number 3\n"
        assert (tmp_path / "info.log.2").read_text() == "INFO line number 0\nINFO line number 1\n"

    def test_an_existing_file_counts_from_its_size(self, tmp_path: Path) -> None:
        path = tmp_path / "info.log"
        path.write_text("x" * 30 + "\n")
        handler = handler_for(path, None, maxBytes=40, backupCount=1)
        try:
            handler.handle(record(logging.INFO, "line number 0"))
        finally:
            handler.close()
        assert (tmp_path / "info.log.1").read_text() == "x" * 30 + "\n"
        assert path.read_text() == "INFO line number 0\n"


class TestBatchedConsole:
    """With `flush_every`, the console gets lines below WARNING from the flusher, warnings at
    once after what was queued before them, and everything at close."""

    def console(self, flush_every: float | None) -> tuple[ConsoleLines, io.StringIO]:
        stream = io.StringIO()
        handler = ConsoleLines(stream, flush_every)
        handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
        return handler, stream

    def test_info_lines_wait_for_the_flusher(self) -> None:
        handler, stream = self.console(3600.0)  # the flusher will not come during this test
        try:
            handler.handle(record(logging.INFO, "first"))
            assert stream.getvalue() == ""
            assert handler in set(FLUSHER.files)
            handler.write_queued()  # what the flusher does
            assert stream.getvalue() == "INFO first\n"
        finally:
            handler.close()

    def test_a_warning_writes_what_was_queued_before_it_in_order(self) -> None:
        handler, stream = self.console(3600.0)
        try:
            handler.handle(record(logging.INFO, "one"))
            handler.handle(record(logging.ERROR, "two"))
            assert stream.getvalue() == "INFO one\nERROR two\n"
        finally:
            handler.close()

    def test_close_writes_everything_queued(self) -> None:
        handler, stream = self.console(3600.0)
        handler.handle(record(logging.INFO, "last words"))
        handler.close()
        assert stream.getvalue() == "INFO last words\n"
        assert handler not in set(FLUSHER.files)

    def test_without_flush_every_each_line_goes_at_once(self) -> None:
        handler, stream = self.console(None)
        try:
            handler.handle(record(logging.INFO, "now"))
            assert stream.getvalue() == "INFO now\n"
        finally:
            handler.close()
