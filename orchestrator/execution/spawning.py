"""How a local attempt's shell starts: the environment it inherits, the user it runs as, and
what went wrong when it could not start.

The platform shell leads a new process group (POSIX: a new session), so that the whole tree can
be signalled; stdin is closed, stdout and stderr are pipes the watcher reads.
"""

from __future__ import annotations

import errno
import functools
import os
import subprocess

from orchestrator.execution.environment import inherited
from orchestrator.execution.model import AttemptSpec
from orchestrator.execution.substitution import needs_delayed_expansion
from orchestrator.execution.users import JobUser
from orchestrator.startup.private_files import job_umask

WINDOWS = os.name == "nt"


class Launch:
    """How every attempt's process starts: the inherited environment and the user it runs as."""

    def __init__(self, passthrough: tuple[str, ...], user: JobUser | None = None) -> None:
        self.user = user
        # The server's environment does not change while it runs: filter it once.
        self.env = {**inherited(passthrough), **(user.environment() if user else {})}
        self.identity = user.popen_options() if user else {}


@functools.cache
def default_launch() -> Launch:
    """The server's user and the default pass-through (executors built without a config),
    built once: `spawn` alone (the benchmark's shell floor) must not filter on every call."""
    from orchestrator.config_schema import DEFAULT_PASSTHROUGH

    return Launch(DEFAULT_PASSTHROUGH)


def spawn(spec: AttemptSpec, launch: Launch | None = None) -> subprocess.Popen[bytes]:
    """Start the platform shell on the command, leading a new process group.

    The environment is the filtered part of the server's (never its ORCH_* secrets) with the
    attempt's own variables on top.
    """
    launch = launch or default_launch()
    env = {**launch.env, **spec.env}
    pipes = {"stdin": subprocess.DEVNULL, "stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    if WINDOWS:
        return subprocess.Popen(
            windows_command_line(spec.command),
            cwd=spec.workdir,
            env=env,
            bufsize=0,
            creationflags=subprocess.CREATE_NEW_PROCESS_GROUP,
            **pipes,
        )
    return subprocess.Popen(
        ["/bin/sh", "-c", spec.command],
        cwd=spec.workdir,
        env=env,
        bufsize=0,
        start_new_session=True,
        umask=job_umask(),
        **launch.identity,
        **pipes,
    )


def windows_command_line(command: str) -> str:
    """`cmd /c` as `shell=True` builds it, with `/s` so that only our quotes are stripped."""
    comspec = os.environ.get("COMSPEC", "cmd.exe")
    delayed = "/v:on " if needs_delayed_expansion(command) else ""
    return f'{comspec} {delayed}/s /c "{command}"'


def workdir_problem(workdir: str) -> str | None:
    """Why the attempt cannot run in `workdir`, as a sentence, or None if it can."""
    if not workdir:
        return "no working directory given"
    if not os.path.exists(workdir):
        return f"working directory {workdir} does not exist"
    if not os.path.isdir(workdir):
        return f"working directory {workdir} is not a directory"
    return None


def describe_failure(exc: BaseException) -> str:
    """A short reason why the shell could not be started."""
    if isinstance(exc, OSError) and exc.errno == errno.E2BIG:
        return "the command and its environment are too large (each $$() context is limited)"
    if isinstance(exc, OSError) and exc.strerror:
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror}{where}"
    return str(exc)
