"""What the terminal shows while a run is followed: `jobs run --wait`, `pipelines run --wait`
and `runs output --follow` print the output as it is written, then (for `--wait`) one final line
with the run's state, ID and duration; Ctrl-C leaves the run going and says how to cancel it.

In json and yaml the commands print only the final document, so that a script reads one
document on stdout: there the run is waited for by polling (`cli/waiting.py`), not streamed.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from typing import Any

import click

from cli.client import ApiClient, path
from cli.live import OutputStream, Printer
from cli.state import State
from cli.table import seconds
from cli.waiting import is_finished, report, verdict, wait_for_run

INTERRUPTED = 130


def goes_on(run_id: str) -> click.exceptions.Exit:
    """Say that Ctrl-C stopped the reading, not the run; the exit to raise (130)."""
    click.echo(
        f"The run {run_id} goes on; cancel it with: orchestrator-cli runs cancel {run_id}",
        err=True,
    )
    return click.exceptions.Exit(INTERRUPTED)


def final_line(run: Mapping[str, Any]) -> str:
    """`succeeded R… in 3.2 s`; `failed R… in 0.4 s, exit code 3`; `running R…` when the wait
    gave up (the error line on stderr then says why)."""
    state, run_id = run.get("state"), run.get("id")
    text = f"{state} {run_id}"
    if not is_finished(run):
        return text
    if run.get("duration") is not None:
        text += f" in {seconds(run['duration'])}"
    if state != "succeeded" and run.get("exit_code") is not None:
        text += f", exit code {run['exit_code']}"
    return text


def stream_output(client: ApiClient, run: Mapping[str, Any], deadline: float | None) -> None:
    """Print the run's output as it comes until it ends or `deadline` passes. A pipeline run's
    stream carries every step's output, each event naming its step (printed as `[step] text`)."""
    printer = Printer(sys.stdout, sys.stderr)
    try:
        for name, event in OutputStream(client, str(run["id"]), deadline):
            if name == "output":
                printer.write(event)
    finally:
        printer.close_lines()


def watch_run(state: State, run: Mapping[str, Any], timeout: float, *, quiet: bool) -> None:
    """After a run was started with `--wait`: follow it, print its end, exit 1 unless it
    succeeded. Tables stream the output (unless `quiet`); json and yaml print the final run."""
    client, run_id = state.client, str(run["id"])
    deadline = time.monotonic() + timeout
    try:
        if state.out.is_table and not quiet:
            stream_output(client, run, deadline)
            run = client.get(path("runs", run_id))
        run = wait_for_run(client, run, deadline)
    except KeyboardInterrupt:
        raise goes_on(run_id) from None
    if not state.out.is_table:
        report(state, run, timeout)
        return
    click.echo(final_line(run))
    problem = verdict(run, timeout)
    if problem is not None:
        click.echo(f"error: {problem}", err=True)
        state.logger.warning(problem)
        raise click.exceptions.Exit(1)


def follow_output(state: State, run_id: str) -> None:
    """`runs output RUN --follow`: the output as it is written, until the run ends; json and
    yaml wait for the end and print the whole output document."""
    run = state.client.get(path("runs", run_id))
    try:
        if state.out.is_table:
            stream_output(state.client, run, None)
            return
        wait_for_run(state.client, run, float("inf"))
    except KeyboardInterrupt:
        raise goes_on(str(run["id"])) from None
    state.out.document(state.client.get(path("runs", run["id"], "output")))
