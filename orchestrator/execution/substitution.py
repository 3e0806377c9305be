"""Replace `$$(name)` references in a command by environment variables holding the contexts.

The context text travels in the child's environment, never in the command line, so the shell
expands it as data and never parses it as code. The reference becomes a plain variable
expansion: on POSIX `${ORCH_CTX_1}`, which the user quotes as they would any variable
(`echo "$$(build)"` keeps the text intact; unquoted, it is split into words and globbed).
On Windows it becomes `!ORCH_CTX_1!` (delayed expansion, which the local executor turns on for
such commands): cmd parses the text of `%VAR%` again for `&`, `|` and `>`, `!VAR!` it does not.

A name is 1-200 characters of letters, digits, `_`, `.` and `-`: a context ID (`CJ...`), an
owner ID (`J...`, `P...`) or an owner name made of those characters. Names with other
characters, spaces included, cannot be referenced; use the ID instead.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable

REFERENCE = re.compile(r"\$\$\(([A-Za-z0-9_.-]{1,200})\)")
VARIABLE_PREFIX = "ORCH_CTX_"
_WINDOWS_VARIABLE = re.compile(r"!" + VARIABLE_PREFIX + r"\d+!")


def find_references(command: str) -> list[str]:
    """The names referenced by `command`, in order of first appearance, each once."""
    return list(dict.fromkeys(REFERENCE.findall(command)))


def substitute(
    command: str, resolve: Callable[[str], str], windows: bool | None = None
) -> tuple[str, dict[str, str]]:
    """Rewrite `command` and return it with the variables (name -> content) to add to its env.

    `resolve(name)` returns a context's content or raises `InvalidReference`, which propagates.
    Each distinct name is resolved once and shares one variable however often it appears.
    """
    names = find_references(command)
    if not names:
        return command, {}
    if windows is None:
        windows = os.name == "nt"
    variables = {name: f"{VARIABLE_PREFIX}{number}" for number, name in enumerate(names, 1)}
    values = {variables[name]: resolve(name) for name in names}
    template = "!{}!" if windows else "${{{}}}"
    rewritten = REFERENCE.sub(lambda match: template.format(variables[match[1]]), command)
    return rewritten, values


def needs_delayed_expansion(command: str) -> bool:
    """Whether a Windows command uses context variables, so cmd must run with `/v:on`."""
    return _WINDOWS_VARIABLE.search(command) is not None
