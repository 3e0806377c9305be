"""What identifies a run's process tree after a crash: the leader's PID, session and start time,
read the way psutil reads it (so a recovery compares like with like)."""

from __future__ import annotations

import os
import subprocess

import psutil
import pytest

from orchestrator.execution.tree import process_mark


@pytest.mark.skipif(os.name == "nt", reason="sessions are a POSIX notion")
class TestProcessMark:
    """The mark of a live leader, and of one already gone."""

    def test_start_time_is_the_one_psutil_reports(self) -> None:
        proc = subprocess.Popen(["sleep", "5"], start_new_session=True)
        try:
            mark = process_mark(proc.pid)
            assert mark["pid"] == mark["sid"] == proc.pid
            assert mark["started"] == pytest.approx(
                psutil.Process(proc.pid).create_time(), abs=0.01
            )
        finally:
            proc.kill()
            proc.wait()

    def test_the_mark_of_a_process_just_started_has_its_start_time(self) -> None:
        """Taken from the clock right after the start, it is the time psutil reports, to a
        tick, and it needs no read of a process that may be gone already."""
        proc = subprocess.Popen(["sleep", "5"], start_new_session=True)
        try:
            mark = process_mark(proc.pid, just_started=True)
            created = psutil.Process(proc.pid).create_time()
            assert mark["pid"] == mark["sid"] == proc.pid
            assert mark["started"] == pytest.approx(created, abs=0.05)
        finally:
            proc.kill()
            proc.wait()

    def test_a_leader_gone_has_no_start_time(self) -> None:
        proc = subprocess.Popen(["true"])
        proc.wait()
        assert process_mark(proc.pid)["started"] is None
