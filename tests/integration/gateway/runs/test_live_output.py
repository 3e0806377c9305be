"""A run's output while it is written, with the real server: read mid-run, followed by SSE
(and resumed by `Last-Event-ID`), capped with head and tail kept, secrets never shown, and
kept when the server stops during the run."""

from __future__ import annotations

import json
import time
from pathlib import Path

from tests.api_helpers import assert_error, make_job, start_run, wait_for
from tests.live_helpers import joined, sse
from tests.support import ServerProcess

# Prints a line every 0.3 s for about 3 s, on both streams.
TICKS = "for i in 1 2 3 4 5 6 7 8 9 10; do echo out $i; echo err $i >&2; sleep 0.3; done"
ALL_OUT = "".join(f"out {i}\n" for i in range(1, 11))


def output(server: ServerProcess, run_id: str, query: str = "") -> dict:
    status, body = server.request("GET", f"/runs/{run_id}/output{query}")
    assert status == 200, body
    return body


def poll_output(server: ServerProcess, run_id: str, needle: str, timeout: float = 20) -> dict:
    """The output once its stdout holds `needle`."""
    deadline = time.monotonic() + timeout
    while True:
        body = output(server, run_id)
        if needle in body["stdout"]:
            return body
        assert time.monotonic() < deadline, body
        time.sleep(0.05)


class TestReadDuringTheRun:
    """`GET /runs/{id}/output` answers what was written so far while the job runs."""

    def test_mid_run_read_then_complete(self, server: ServerProcess, tmp_path: Path) -> None:
        """Lines appear while the run goes (`complete: false`), all of them at the end."""
        run = start_run(server, make_job(server, tmp_path, command=TICKS)["id"])
        body = poll_output(server, run["id"], "out 2\n")
        assert body["complete"] is False and "out 10" not in body["stdout"]
        assert body["stderr"].startswith("err 1\n")
        wait_for(server, run["id"], timeout=30)
        body = output(server, run["id"])
        assert (body["stdout"], body["complete"], body["truncated"]) == (ALL_OUT, True, False)

    def test_read_one_stream_from_an_offset(self, server: ServerProcess, tmp_path: Path) -> None:
        """`?stream=&offset=` gives the text from that byte and where to read next."""
        run = start_run(server, make_job(server, tmp_path, command=TICKS)["id"])
        poll_output(server, run["id"], "out 2\n")
        part = output(server, run["id"], "?stream=stdout&offset=6")
        assert part["text"].startswith("out 2\n") and part["next_offset"] == 6 + len(part["text"])
        assert part["complete"] is False
        wait_for(server, run["id"], timeout=30)
        rest = output(server, run["id"], f"?stream=stdout&offset={part['next_offset']}")
        assert "out 1\n" + part["text"] + rest["text"] == ALL_OUT and rest["complete"] is True

    def test_bad_offset_and_stream(self, server: ServerProcess, tmp_path: Path) -> None:
        """A negative offset, an unknown stream or an offset without stream is a 400."""
        run = start_run(server, make_job(server, tmp_path)["id"])
        for query, field in (
            ("?stream=stdout&offset=-1", "offset"),
            ("?stream=both", "stream"),
            ("?offset=3", "stream"),
        ):
            answer = server.request("GET", f"/runs/{run['id']}/output{query}")
            assert field in assert_error(answer, 400, "validation_error")["fields"]


class TestFollow:
    """`/runs/{id}/output/stream` replays, follows and ends with the run's final state."""

    def test_follow_a_running_job(self, server: ServerProcess, tmp_path: Path) -> None:
        """A follower that joins mid-run gets every line once, then `end` with the state."""
        run = start_run(server, make_job(server, tmp_path, command=TICKS)["id"])
        poll_output(server, run["id"], "out 1\n")
        events = list(sse(server, run["id"]))
        assert events[-1] == {
            "event": "end",
            "data": {"state": "succeeded", "exit_code": 0, "run_id": run["id"]},
        }
        assert joined(events) == ALL_OUT
        assert joined(events, "stderr") == ALL_OUT.replace("out", "err")
        assert all(e["data"]["time"].endswith("Z") for e in events[:-1])

    def test_resume_by_last_event_id(self, server: ServerProcess, tmp_path: Path) -> None:
        """A dropped connection resumed with the last id misses nothing and repeats nothing."""
        run = start_run(server, make_job(server, tmp_path, command=TICKS)["id"])
        first = []
        for event in sse(server, run["id"]):
            first.append(event)
            if "out 3" in joined(first):
                break  # the connection drops mid-run
        assert output(server, run["id"])["complete"] is False
        rest = list(sse(server, run["id"], last_event_id=first[-1]["id"]))
        assert joined(first) + joined(rest) == ALL_OUT
        both = joined(first, "stderr") + joined(rest, "stderr")
        assert both == ALL_OUT.replace("out", "err")

    def test_finished_run_replays_and_ends(self, server: ServerProcess, tmp_path: Path) -> None:
        """A finished run's stream is its whole output, then `end`, at once."""
        run = start_run(server, make_job(server, tmp_path, command="echo one; exit 3")["id"])
        wait_for(server, run["id"])
        events = list(sse(server, run["id"], timeout=10))
        assert joined(events) == "one\n"
        assert events[-1]["data"] == {"state": "failed", "exit_code": 3, "run_id": run["id"]}

    def test_bad_cursor_and_unknown_run(self, server: ServerProcess) -> None:
        """A malformed Last-Event-ID is a 400; an unknown run a 404."""
        answer = server.request("GET", "/runs/R000000000000/output/stream?last_event_id=1")
        assert_error(answer, 404, "not_found")
        job = make_job(server, Path("/tmp"))
        run = start_run(server, job["id"])
        answer = server.request("GET", f"/runs/{run['id']}/output/stream?last_event_id=x")
        assert "last_event_id" in assert_error(answer, 400, "validation_error")["fields"]


class TestKeepAllOfIt:
    """Past the cap, the head and the end are kept and the gap is marked."""

    def test_head_and_tail_survive(self, server: ServerProcess, tmp_path: Path) -> None:
        """The error printed after a flood is kept; the job's own cap applies."""
        command = "echo START; head -c 500000 /dev/zero | tr '\\0' x; echo; echo FATAL: it broke"
        job = make_job(server, tmp_path, command=command, max_output_bytes=2000)
        assert job["max_output_bytes"] == 2000
        run = start_run(server, job["id"])
        assert wait_for(server, run["id"], timeout=30)["truncated"] is True
        body = output(server, run["id"])
        assert body["stdout"].startswith("START\n") and body["stdout"].endswith("FATAL: it broke\n")
        assert f"[... {body['dropped']['stdout']} bytes dropped ...]" in body["stdout"]
        assert body["dropped"]["stdout"] == 500000 + 6 + 1 + 16 - 2000

    def test_job_cap_is_validated(self, server: ServerProcess, tmp_path: Path) -> None:
        """`max_output_bytes` must be a positive integer (or null for the server's)."""
        body = {"name": "capped", "command": "true", "workdir": str(tmp_path)}
        answer = server.request("POST", "/jobs", {**body, "max_output_bytes": 0})
        assert "max_output_bytes" in assert_error(answer, 400, "validation_error")["fields"]
        assert make_job(server, tmp_path, max_output_bytes=None)["max_output_bytes"] is None


class TestSecrets:
    """A job's secret values never appear in what is stored, streamed or exported."""

    def test_secret_printed_by_the_job(self, server: ServerProcess, tmp_path: Path) -> None:
        """Printed whole, and printed in two writes a moment apart: `***` everywhere."""
        # The value is split by the shell, so the command itself never holds it.
        split = 'printf "split: %s" "${PW%%w0rd*}"; sleep 0.5; printf "%s end\\n" "${PW#P4ss}"'
        command = f'echo "pw=$PW"; {split}; echo "$PW $TOKEN" >&2'
        job = make_job(server, tmp_path, command=command, secret_env={"PW": "P4ssw0rd-42"})
        run = start_run(server, job["id"], {"secret_env": {"TOKEN": "tok-9876"}})
        events = list(sse(server, run["id"]))
        body = output(server, run["id"])
        assert body["stdout"] == "pw=***\nsplit: *** end\n" and body["stderr"] == "*** ***\n"
        assert joined(events) == body["stdout"]
        exported = server.request("GET", "/config/export")[1]
        for text in (json.dumps(events), json.dumps(body), json.dumps(exported)):
            assert "P4ssw0rd-42" not in text and "tok-9876" not in text
        assert "P4ss" not in json.dumps(events) and "P4ss" not in json.dumps(body)


class TestServerStop:
    """A run cut by a server stop keeps the output written so far."""

    def test_stop_keeps_output(self, tmp_path: Path) -> None:
        """Stopped mid-run, then started again: the run is interrupted, its lines are kept."""
        proc = ServerProcess(tmp_path / "data").start()
        try:
            job = make_job(proc, tmp_path, command="echo before; sleep 60; echo after")
            run = start_run(proc, job["id"])
            poll_output(proc, run["id"], "before\n")
        finally:
            proc.stop()
        proc.start()
        try:
            body = output(proc, run["id"])
            assert (body["stdout"], body["complete"]) == ("before\n", True)
            assert wait_for(proc, run["id"])["state"] == "interrupted"
        finally:
            proc.stop()
