"""Who runs the jobs: the server's own user, or `execution.run_as` when the server may switch.

A job runs any shell command its writer chose. Run as the server's user, it could read the store
and the key file; run as an unprivileged user who cannot enter the data directory, it cannot.
Switching needs root (or CAP_SETUID and CAP_SETGID), so the server checks at start that it can,
and refuses to start otherwise: silently running jobs as itself would hide the exposure.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orchestrator.errors import ConfigError
from orchestrator.log import get_logger

log = get_logger("orchestrator.execution")
CAP_SETGID, CAP_SETUID = 6, 7


@dataclass(frozen=True)
class JobUser:
    """The account jobs run as, resolved once at start."""

    name: str
    uid: int
    gid: int
    groups: tuple[int, ...] = field(default=())
    home: str = "/"

    def popen_options(self) -> dict[str, Any]:
        """What `subprocess.Popen` needs to start the child as this user with its groups."""
        return {"user": self.uid, "group": self.gid, "extra_groups": list(self.groups)}

    def environment(self) -> dict[str, str]:
        """The variables that describe this user to the job, replacing the server's."""
        return {"HOME": self.home, "USER": self.name, "LOGNAME": self.name}


def resolve_run_as(value: str) -> JobUser | None:
    """The user named by `execution.run_as` (a name or a numeric uid), or None when empty.

    Raises ConfigError, with one sentence, when the platform, the user or the server's own
    rights make it impossible.
    """
    value = value.strip()
    if not value:
        return None
    if os.name == "nt":
        raise ConfigError(
            "execution.run_as is not supported on Windows; run the service under the account "
            "that jobs should use instead.",
            {"key": "execution.run_as"},
        )
    import pwd

    try:
        entry = pwd.getpwuid(int(value)) if value.isdigit() else pwd.getpwnam(value)
    except KeyError:
        raise ConfigError(
            f"execution.run_as: no user '{value}' exists on this machine.",
            {"key": "execution.run_as"},
        ) from None
    user = JobUser(
        name=entry.pw_name,
        uid=entry.pw_uid,
        gid=entry.pw_gid,
        groups=tuple(os.getgrouplist(entry.pw_name, entry.pw_gid)),
        home=entry.pw_dir or "/",
    )
    if user.uid != os.geteuid() and not can_switch_users():
        raise ConfigError(
            f"execution.run_as is '{value}' but the server cannot switch users: run it as root "
            "or give it CAP_SETUID and CAP_SETGID, or leave run_as empty.",
            {"key": "execution.run_as"},
        )
    if user.uid != os.geteuid() and os.geteuid() != 0:
        _clear_ambient_capabilities()
    return user


def _clear_ambient_capabilities() -> None:
    """A non-root server holds CAP_SETUID through its ambient set (systemd's
    AmbientCapabilities), which every child would inherit: a job could make itself root. The
    server keeps its own permitted capabilities; only what passes to children is cleared."""
    import ctypes

    pr_cap_ambient, clear_all = 47, 4
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(pr_cap_ambient, clear_all, 0, 0, 0) != 0:
        raise ConfigError(
            "execution.run_as: cannot keep the server's capabilities from its jobs "
            f"(prctl failed: {os.strerror(ctypes.get_errno())}); run the server as root.",
            {"key": "execution.run_as"},
        )


def can_switch_users() -> bool:
    """Whether this process may set another uid and gid on its children."""
    status = Path("/proc/self/status")
    try:
        lines = status.read_text().splitlines()
    except OSError:
        return os.geteuid() == 0  # no /proc (macOS): root is the only way
    for line in lines:
        if line.startswith("CapEff:"):
            caps = int(line.split()[1], 16)
            return bool(caps >> CAP_SETUID & 1 and caps >> CAP_SETGID & 1)
    return os.geteuid() == 0


def protect_data_dir(data_dir: Path, user: JobUser | None) -> None:
    """With jobs run as another user, keep them out of the data directory (mode 0700)."""
    if user is None or not data_dir.is_dir():
        return
    mode = data_dir.stat().st_mode & 0o777
    if mode != 0o700:
        data_dir.chmod(0o700)
        log.info("data directory closed to the job user", path=str(data_dir), was=oct(mode))
