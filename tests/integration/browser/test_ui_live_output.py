"""The run page shows a run's output while it is written: the stream switch, the search, the
download, ANSI colours; a pipeline run's page draws its timeline and shows a running step's
output (real server, real jobs, headless Chromium)."""

from __future__ import annotations

import uuid
from pathlib import Path

from tests.integration.browser.playwright_api import Page, expect
from tests.support import ServerProcess


def gated(first: str, gate: Path, rest: str) -> str:
    """Print `first`, wait (up to a minute) for the test to create `gate`, then run `rest`: the
    page is read mid-run without racing a sleep."""
    wait = f"i=0; while [ ! -f '{gate}' ] && [ $i -lt 300 ]; do sleep 0.2; i=$((i+1)); done"
    return f"echo {first}; {wait}; {rest}"


def make_job(server: ServerProcess, workdir: Path, command: str) -> dict:
    body = {"name": f"live-{uuid.uuid4().hex[:8]}", "command": command, "workdir": str(workdir)}
    status, job = server.request("POST", "/jobs", body)
    assert status == 201, job
    return job


def start(server: ServerProcess, route: str) -> str:
    status, run = server.request("POST", route)
    assert status in (200, 201, 202), run
    return run["id"]


class TestRunPageLiveOutput:
    """A job run's page shows its output as it is written, and lets the reader work with it."""

    def test_lines_show_before_the_run_ends(
        self, page: Page, server: ServerProcess, workdir: Path
    ) -> None:
        """The first line is on the page while the run is still running; the rest follows."""
        gate = workdir / f"gate-{uuid.uuid4().hex[:6]}"
        job = make_job(server, workdir, gated("tick1", gate, "echo tick2; sleep 1; echo tick3"))
        run_id = start(server, f"/jobs/{job['id']}/run")
        page.goto(f"/ui/runs/{run_id}")
        output = page.get_by_test_id("live-output")
        expect(output).to_contain_text("tick1")
        assert server.request("GET", f"/runs/{run_id}")[1]["state"] == "running"
        expect(output).not_to_contain_text("tick2")
        gate.touch()
        expect(output).to_contain_text("tick3")
        expect(page.get_by_test_id("output-status")).to_contain_text("Ended: succeeded")
        expect(page.get_by_text("the live log")).to_have_count(0)

    def test_switch_search_download_and_colours(
        self, page: Page, server: ServerProcess, workdir: Path
    ) -> None:
        """stdout/stderr/both filter the text, search keeps matching lines, Download saves the
        text shown, and ANSI colours become classes."""
        command = "echo alpha; echo beta; echo warned >&2; printf '\\033[31mred alert\\033[0m\\n'"
        run_id = start(server, f"/jobs/{make_job(server, workdir, command)['id']}/run")
        page.goto(f"/ui/runs/{run_id}")
        output = page.get_by_test_id("live-output")
        expect(output).to_contain_text("red alert")
        expect(output.locator("span.ansi-red-fg")).to_have_text("red alert")
        expect(output).to_contain_text("warned")

        page.get_by_text("stderr", exact=True).click()
        expect(output).to_have_text("warned\n")
        page.get_by_text("stdout", exact=True).click()
        expect(output).not_to_contain_text("warned")
        expect(output).to_contain_text("alpha")

        page.get_by_label("Search the output").fill("BETA")
        expect(output).to_have_text("beta")
        expect(page.get_by_text("1 of 3 lines match")).to_be_visible()
        page.get_by_label("Search the output").fill("")

        with page.expect_download() as info:
            page.get_by_role("button", name="Download").click()
        download = info.value
        assert download.suggested_filename == f"{run_id}-stdout.txt"
        saved = Path(download.path()).read_text()
        assert saved == "alpha\nbeta\n\x1b[31mred alert\x1b[0m\n"


class TestPipelineRunPage:
    """A pipeline run's page draws a timeline beside the graph and shows a step's live output."""

    def test_timeline_and_running_step_output(
        self, page: Page, server: ServerProcess, workdir: Path
    ) -> None:
        """While step `slow` runs, its output is on the page and the timeline has a bar a step."""
        gate = workdir / f"gate-{uuid.uuid4().hex[:6]}"
        quick = make_job(server, workdir, "echo quick done")
        slow = make_job(server, workdir, gated("slow started", gate, "echo slow finished"))
        steps = [{"id": "quick", "job": quick["id"]}]
        steps.append({"id": "slow", "job": slow["id"], "depends_on": ["quick"]})
        name = f"live-pipe-{uuid.uuid4().hex[:6]}"
        status, pipeline = server.request("POST", "/pipelines", {"name": name, "steps": steps})
        assert status == 201, pipeline
        run_id = start(server, f"/pipelines/{pipeline['id']}/run")
        page.goto(f"/ui/runs/{run_id}")

        timeline = page.get_by_test_id("pipeline-timeline")
        expect(timeline.get_by_test_id("timeline-bar")).to_have_count(2)
        output = page.get_by_label("Output of step slow")
        expect(output).to_contain_text("slow started")
        assert server.request("GET", f"/runs/{run_id}")[1]["state"] == "running"
        expect(timeline.get_by_role("button", name="slow")).to_contain_text("running")
        gate.touch()
        expect(output).to_contain_text("slow finished")

        timeline.get_by_role("button", name="quick").click()
        expect(page.get_by_label("Output of step quick")).to_contain_text("quick done")
