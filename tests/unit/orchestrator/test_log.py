"""Logging: per-level files, the live level, third-party loggers, the console and redaction."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from orchestrator.errors import ValidationError
from orchestrator.log import LogControl, get_logger, logs_for, redact_secrets, setup_logging

LINE = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00 INFO    orchestrator\.test: "
    r"job created job_id=J123 name=backup$"
)


@pytest.fixture
def logs(tmp_path: Path) -> Iterator[LogControl]:
    """Logging at debug level into tmp_path/logs, without console output."""
    control = setup_logging(tmp_path / "logs", level="debug", console=False)
    yield control
    control.close()


def read(tmp_path: Path, level: str) -> str:
    return (tmp_path / "logs" / f"{level}.log").read_text(encoding="utf-8")


log = get_logger("orchestrator.test")


class TestFiles:
    def test_each_file_holds_its_level_and_above(self, logs: LogControl, tmp_path: Path) -> None:
        """debug.log has everything, error.log only errors, and so on."""
        for level in ("debug", "info", "warning", "error"):
            getattr(log, level)(f"message at {level}")
        expected = {
            "debug": {"debug", "info", "warning", "error"},
            "info": {"info", "warning", "error"},
            "warning": {"warning", "error"},
            "error": {"error"},
        }
        for file, levels in expected.items():
            text = read(tmp_path, file)
            found = {lv for lv in expected if f"message at {lv}" in text}
            assert found == levels, file

    def test_line_format(self, logs: LogControl, tmp_path: Path) -> None:
        """One line: UTC time with milliseconds, padded level, logger, message, key=value fields."""
        log.info("job created", job_id="J123", name="backup")
        assert LINE.match(read(tmp_path, "info").splitlines()[0])

    def test_traceback_on_following_lines(self, logs: LogControl, tmp_path: Path) -> None:
        """log.exception writes the traceback under the record's line."""
        try:
            raise RuntimeError("disk on fire")
        except RuntimeError:
            log.exception("run crashed", run_id="R1")
        lines = read(tmp_path, "error").splitlines()
        assert lines[0].endswith("ERROR   orchestrator.test: run crashed run_id=R1")
        assert lines[1] == "Traceback (most recent call last):"
        assert lines[-1] == "RuntimeError: disk on fire"

    def test_one_line_per_record_in_utf8(self, logs: LogControl, tmp_path: Path) -> None:
        """Newlines in messages are escaped, values with spaces are quoted, text is UTF-8."""
        log.info("line one\nline two", note="café ✓ ok", count=3)
        (line,) = read(tmp_path, "info").splitlines()
        assert line.endswith(r'line one\nline two note="café ✓ ok" count=3')

    def test_files_rotate_by_size(self, tmp_path: Path) -> None:
        """With a small size limit, files rotate and only `file_backups` old files stay."""
        control = setup_logging(
            tmp_path / "logs", console=False, file_max_bytes=400, file_backups=2
        )
        try:
            for number in range(40):
                log.info("rotating", number=number)
        finally:
            control.close()
        names = sorted(path.name for path in (tmp_path / "logs").glob("info.log*"))
        assert names == ["info.log", "info.log.1", "info.log.2"]
        assert all(path.stat().st_size <= 400 for path in (tmp_path / "logs").glob("info.log*"))
        assert "number=39" in read(tmp_path, "info")


class TestLevels:
    def test_level_change_applies_at_once(self, tmp_path: Path) -> None:
        """set_level changes what reaches files and the buffer from the next call on."""
        control = setup_logging(tmp_path / "logs", level="info", console=False)
        try:
            log.debug("hidden detail")
            control.set_level("debug")
            assert control.get_level() == "debug"
            log.debug("visible detail")
            control.set_level("error")
            log.warning("hidden warning")
            messages = [record["message"] for record in control.buffer.query()]
        finally:
            control.close()
        assert messages == ["visible detail"]
        assert "visible detail" in read(tmp_path, "debug")
        assert "hidden" not in read(tmp_path, "debug")

    @pytest.mark.parametrize("level", ["verbose", "critical", ""])
    def test_unknown_level_is_refused(self, logs: LogControl, level: str) -> None:
        """Only debug, info, warning and error are levels; others are a field error."""
        with pytest.raises(ValidationError) as info:
            logs.set_level(level)
        assert "level" in info.value.fields
        assert logs.get_level() == "debug"

    def test_third_party_loggers_warning_and_above(self, tmp_path: Path) -> None:
        """aiohttp, pykka and asyncio share the handlers, but only from warning up."""
        control = setup_logging(tmp_path / "logs", level="debug", console=False)
        try:
            logging.getLogger("aiohttp.access").info("GET /jobs 200")
            logging.getLogger("pykka").debug("actor started")
            logging.getLogger("aiohttp.server").warning("bad request from %s", "10.0.0.1")
            logging.getLogger("asyncio").error("task exception was never retrieved")
        finally:
            control.close()
        debug = read(tmp_path, "debug")
        assert "GET /jobs" not in debug and "actor started" not in debug
        assert "WARNING aiohttp.server: bad request from 10.0.0.1" in read(tmp_path, "warning")
        assert "ERROR   asyncio: task exception" in read(tmp_path, "error")

    def test_debug_flag_forces_debug_and_library_internals(self, tmp_path: Path) -> None:
        """debug=True overrides the level and lets aiohttp and pykka debug lines through."""
        control = setup_logging(tmp_path / "logs", level="error", console=False, debug=True)
        try:
            assert control.get_level() == "debug"
            logging.getLogger("pykka").debug("actor started")
            logging.getLogger("aiohttp.access").info("GET /jobs 200")
            logging.getLogger("asyncio").debug("poll took 0.1 ms")
        finally:
            control.close()
        debug = read(tmp_path, "debug")
        assert "actor started" in debug and "GET /jobs 200" in debug
        assert "poll took" not in debug

    def test_close_restores_the_loggers(self, tmp_path: Path) -> None:
        """After close, no handler of ours is left and propagation is back on."""
        before = logging.getLogger("aiohttp").level
        setup_logging(tmp_path / "logs", console=False).close()
        for name in ("orchestrator", "aiohttp", "pykka", "asyncio"):
            logger = logging.getLogger(name)
            ours = [h for h in logger.handlers if not isinstance(h, logging.NullHandler)]
            assert ours == [] and logger.propagate, name
        assert logging.getLogger("aiohttp").level == before


class TestConsole:
    def test_console_gets_the_same_lines(self, tmp_path: Path, capsys) -> None:
        """With console on, stderr shows the file's line format."""
        control = setup_logging(tmp_path / "logs", console=True)
        log.info("job created", job_id="J123", name="backup")
        control.close()
        assert LINE.match(capsys.readouterr().err.splitlines()[-1])

    def test_silent_console(self, tmp_path: Path, capsys) -> None:
        """With console off, nothing reaches stderr but the files still get the line."""
        control = setup_logging(tmp_path / "logs", console=False)
        log.error("quiet failure")
        control.close()
        assert "quiet failure" not in capsys.readouterr().err
        assert "quiet failure" in read(tmp_path, "error")


class TestLoggers:
    def test_names_outside_the_tree_go_under_it(self, logs: LogControl) -> None:
        """A module name outside the tree (actors.supervisor.job_run) logs under "orchestrator."."""
        get_logger("actors.supervisor.job_run").info("started")
        assert logs.buffer.query()[-1]["logger"] == "orchestrator.actors.supervisor.job_run"

    def test_bound_fields_and_positional_arguments(self, logs: LogControl) -> None:
        """Bound context joins each record's fields; %-style arguments are formatted."""
        log.bind(run_id="R1").info("took %d ms", 12, state="running")
        record = logs.buffer.query()[-1]
        assert record["message"] == "took 12 ms"
        assert record["fields"] == {"run_id": "R1", "state": "running"}

    def test_second_setup_replaces_the_first(self, tmp_path: Path) -> None:
        """Calling setup again moves every record to the new place only."""
        first = setup_logging(tmp_path / "one", console=False)
        second = setup_logging(tmp_path / "two", console=False)
        log.info("after the second setup")
        second.close()
        first.close()
        assert "after the second setup" in (tmp_path / "two" / "info.log").read_text("utf-8")
        assert (tmp_path / "one" / "info.log").read_text("utf-8") == ""


class TestRedaction:
    def test_sensitive_fields_are_masked(self, logs: LogControl, tmp_path: Path) -> None:
        """Passwords, secrets, tokens, API keys and authorization never reach files or buffer."""
        log.info(
            "login",
            user="ada",
            password="hunter2",
            api_key="ork_abc",
            session_token="t0k",
            Authorization="Bearer x",
            webhook_secret="s3",
        )
        fields = logs.buffer.query()[-1]["fields"]
        assert fields["user"] == "ada"
        for name in ("password", "api_key", "session_token", "Authorization", "webhook_secret"):
            assert fields[name] == "***"
        line = read(tmp_path, "info")
        assert not any(secret in line for secret in ("hunter2", "ork_abc", "t0k", "Bearer", "s3"))

    def test_nested_mapping_is_masked_on_a_copy(self, logs: LogControl) -> None:
        """Keys inside a dict field are masked too, without changing the caller's dict."""
        env = {"API_TOKEN": "abc", "HOME": "/root"}
        log.info("run started", env=env)
        assert logs.buffer.query()[-1]["fields"]["env"] == {"API_TOKEN": "***", "HOME": "/root"}
        assert env["API_TOKEN"] == "abc"

    def test_processor_is_a_plain_function(self) -> None:
        """redact_secrets works on any event dict, as structlog processors do."""
        event = redact_secrets(None, "info", {"event": "x", "X-Api-Key": "k", "n": 1})
        assert event == {"event": "x", "X-Api-Key": "***", "n": 1}


class TestServerLogging:
    """The server's logging (`logs_for`) makes records without the caller, thread and process
    look-ups no line shows, writes the same lines, and puts the switches back at close."""

    def config(self, tmp_path: Path) -> SimpleNamespace:
        section = SimpleNamespace(
            level="info", console=False, buffer_size=100, file_max_bytes=2**20, file_backups=1
        )
        return SimpleNamespace(logging=section, log_dir=tmp_path / "logs")

    def test_lookups_off_while_logging_and_back_after(self, tmp_path: Path) -> None:
        before = (logging._srcfile, logging.logThreads, logging.logProcesses)
        control = logs_for(self.config(tmp_path))
        try:
            assert logging._srcfile is None
            assert not (logging.logThreads or logging.logProcesses or logging.logMultiprocessing)
            log.info("job created", job_id="J123", name="backup")
        finally:
            control.close()
        assert LINE.match(read(tmp_path, "info").splitlines()[-1])
        assert (logging._srcfile, logging.logThreads, logging.logProcesses) == before
