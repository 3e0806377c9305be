"""What a job inherits of the server's environment: a filtered copy, never the server's secrets.

The server's own variables (`ORCH_*`: the admin bootstrap values, the encryption key, the
configuration) would let any writer read them from a job and become admin, so they never pass,
whatever `execution.env_passthrough` says. Of the rest, only the names matching one of its glob
patterns pass. The variables a run sets itself (`ORCH_RUN_ID`, contexts, the job's `env` and
`secret_env`, the run's env) are added on top by the caller, after this filter.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from fnmatch import fnmatchcase

SERVER_PREFIX = "ORCH_"
WINDOWS = os.name == "nt"


def inherited(
    patterns: Iterable[str], environ: Mapping[str, str] | None = None, windows: bool = WINDOWS
) -> dict[str, str]:
    """The part of `environ` (default: the server's) that jobs inherit under `patterns`.

    Windows names are case-insensitive, so there patterns and names are compared in upper case.
    """
    source = os.environ if environ is None else environ
    wanted = [p.upper() for p in patterns] if windows else list(patterns)
    kept = {}
    for name, value in source.items():
        if name.upper().startswith(SERVER_PREFIX):
            continue
        key = name.upper() if windows else name
        if any(fnmatchcase(key, pattern) for pattern in wanted):
            kept[name] = value
    return kept
