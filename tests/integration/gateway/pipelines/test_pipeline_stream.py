"""A pipeline run's output stream with the real server: every step's output as it is written,
tagged with its step and step run, resumed across step runs by `Last-Event-ID`, then `end`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.api_helpers import assert_error, wait_for
from tests.live_helpers import sse
from tests.pipeline_helpers import jobs_for, make_pipeline, steps_of
from tests.support import ServerProcess


def ticks(name: str) -> str:
    """Prints five lines over about 1.5 s, and one on stderr at the end."""
    return f"for i in 1 2 3 4 5; do echo {name} $i; sleep 0.3; done; echo {name} done >&2"


def lines(name: str) -> str:
    return "".join(f"{name} {i}\n" for i in range(1, 6))


def a_then_b(server: ServerProcess, workdir: Path) -> dict[str, Any]:
    jobs = jobs_for(server, workdir, a=ticks("a"), b=ticks("b"))
    steps = [
        {"id": "a", "job": jobs["a"]["id"]},
        {"id": "b", "job": jobs["b"]["id"], "depends_on": ["a"]},
    ]
    return make_pipeline(server, steps)


def start(server: ServerProcess, pipeline: dict[str, Any]) -> dict[str, Any]:
    status, run = server.request("POST", f"/pipelines/{pipeline['id']}/run")
    assert status == 202, run
    return run


def text(events: list[dict[str, Any]], step: str, stream: str = "stdout") -> str:
    return "".join(
        e["data"]["text"]
        for e in events
        if e["event"] == "output" and e["data"]["step"] == step and e["data"]["stream"] == stream
    )


def check_tags(events: list[dict[str, Any]], run: dict[str, Any]) -> None:
    """Each output event names its step's run; all of a's come before b's."""
    outputs = [e["data"] for e in events if e["event"] == "output"]
    runs = {step: found["run_id"] for step, found in steps_of(run).items()}
    assert all(d["run_id"] == runs[d["step"]] for d in outputs)
    order = [d["step"] for d in outputs]
    assert order == sorted(order) and order[0] == "a" and order[-1] == "b"


class TestPipelineStream:
    """`/runs/{pipeline run}/output/stream` carries every step's output, then `end`."""

    def test_follow_a_running_pipeline(self, server: ServerProcess, tmp_path: Path) -> None:
        """a's lines arrive while the pipeline runs, tagged `a`; then b's; then `end`."""
        run = start(server, a_then_b(server, tmp_path))
        events, state_at_first = [], None
        for event in sse(server, run["id"], timeout=60):
            if event["event"] == "output" and state_at_first is None:
                state_at_first = server.request("GET", f"/runs/{run['id']}")[1]["state"]
            events.append(event)
        assert state_at_first == "running"
        final = wait_for(server, run["id"])
        assert events[-1] == {
            "event": "end",
            "data": {"state": "succeeded", "exit_code": 0, "run_id": run["id"]},
        }
        assert (text(events, "a"), text(events, "b")) == (lines("a"), lines("b"))
        errors = (text(events, "a", "stderr"), text(events, "b", "stderr"))
        assert errors == ("a done\n", "b done\n")
        check_tags(events, final)

    def test_resume_across_step_runs(self, server: ServerProcess, tmp_path: Path) -> None:
        """Dropped after a's first lines, resumed by the last id: the rest, none twice, b from 0."""
        run = start(server, a_then_b(server, tmp_path))
        first: list[dict[str, Any]] = []
        for event in sse(server, run["id"], timeout=60):
            first.append(event)
            if "a 2" in text(first, "a"):
                break  # the connection drops mid-step
        assert server.request("GET", f"/runs/{run['id']}")[1]["state"] == "running"
        assert ":o" in first[-1]["id"] and text(first, "b") == ""
        rest = list(sse(server, run["id"], last_event_id=first[-1]["id"], timeout=60))
        assert text(first, "a") + text(rest, "a") == lines("a")
        assert text(rest, "b") == lines("b") and text(rest, "b", "stderr") == "b done\n"
        assert rest[-1]["data"]["state"] == "succeeded"
        check_tags(first + rest, wait_for(server, run["id"]))

    def test_finished_pipeline_replays_and_ends(
        self, server: ServerProcess, tmp_path: Path
    ) -> None:
        """A finished pipeline run's stream is every step's whole output, then `end`, at once."""
        run = start(server, a_then_b(server, tmp_path))
        final = wait_for(server, run["id"], timeout=60)
        events = list(sse(server, run["id"], timeout=10))
        assert (text(events, "a"), text(events, "b")) == (lines("a"), lines("b"))
        assert events[-1]["data"] == {"state": "succeeded", "exit_code": 0, "run_id": run["id"]}
        check_tags(events, final)
        # The last id resumes after everything: nothing but `end`.
        again = list(sse(server, run["id"], last_event_id=events[-2]["id"], timeout=10))
        assert [e["event"] for e in again] == ["end"]

    def test_job_cursor_on_a_pipeline_run(self, server: ServerProcess, tmp_path: Path) -> None:
        """A job run's cursor form is a 400 on a pipeline run's stream."""
        run = start(server, a_then_b(server, tmp_path))
        answer = server.request("GET", f"/runs/{run['id']}/output/stream?last_event_id=o1.e0")
        assert "last_event_id" in assert_error(answer, 400, "validation_error")["fields"]
        wait_for(server, run["id"], timeout=60)
