"""Parameter types shared by command groups: KEY=VALUE pairs, points in time, body files.

Each turns a bad value into a click usage error (exit code 2, one line), so commands only ever
see clean values.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import click

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
# A signed duration of one or more parts: 10m, +2h, -1d, 1h30m, 2d 4h.
RELATIVE = re.compile(r"^([+-]?)((?:\s*\d+(?:\.\d+)?\s*[smhdw])+)$", re.IGNORECASE)
PAST_GRACE = 60  # seconds: the server's own tolerance for a time that just went by
PART = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])", re.IGNORECASE)


def duration_seconds(parts: str) -> float:
    """The seconds of `1h30m`-style text (already matched by RELATIVE)."""
    return sum(float(amount) * UNITS[unit.lower()] for amount, unit in PART.findall(parts))


def parse_pairs(
    ctx: click.Context | None, param: click.Parameter | None, values: tuple[str, ...]
) -> dict[str, str] | None:
    """Click callback: `K=V` values (repeatable) as a dict; None when the option was not given."""
    if not values:
        return None
    pairs: dict[str, str] = {}
    for value in values:
        key, sep, text = value.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"expected KEY=VALUE, got {value!r}", ctx, param)
        pairs[key.strip()] = text
    return pairs


def parse_resources(
    ctx: click.Context | None, param: click.Parameter | None, values: tuple[str, ...]
) -> dict[str, float] | None:
    """Click callback: `NAME=AMOUNT` worker resources (repeatable), amounts as numbers."""
    pairs = parse_pairs(ctx, param, values)
    if pairs is None:
        return None
    resources: dict[str, float] = {}
    for name, text in pairs.items():
        try:
            amount = float(text)
        except ValueError:
            raise click.BadParameter(f"{name}: {text!r} is not a number", ctx, param) from None
        resources[name] = int(amount) if amount.is_integer() else amount
    return resources


class TimeType(click.ParamType):
    """A point in time as ISO 8601 text with its offset.

    Accepts ISO 8601 (a time without an offset is local time), `now`, or a duration such as
    `10m`, `+2h`, `-1d` or `1h30m` (units s, m, h, d, w). A duration without a sign counts
    forward for `--at` and backward for `--since`, which is what each option's user means.
    With `future=True` (`--at`) a time already past is refused with the time understood, so
    that a typo in the year never runs a job on the spot.
    """

    name = "time"

    def __init__(self, forward: bool = True, future: bool = False) -> None:
        self.forward = forward
        self.future = future

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value).strip()
        now = datetime.now().astimezone()
        match = RELATIVE.match(text)
        if text.lower() == "now":
            moment = now
        elif match:
            sign, parts = match.groups()
            delta = timedelta(seconds=duration_seconds(parts))
            ahead = sign == "+" or (not sign and self.forward)
            moment = now + delta if ahead else now - delta
        else:
            try:
                moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                self.fail(
                    f"{text!r} is not a time: use ISO 8601 (2026-11-27T10:00:00+00:00), "
                    "'now', or a duration such as 10m or 2h",
                    param,
                    ctx,
                )
            if moment.tzinfo is None:
                moment = moment.astimezone()
        if self.future and moment < now - timedelta(seconds=PAST_GRACE):
            shown = moment.isoformat(timespec="seconds")
            self.fail(f"{text!r} means {shown}, which is in the past", param, ctx)
        return moment.isoformat(timespec="seconds")


def load_body(file: str) -> dict[str, Any]:
    """A request body from a YAML (or JSON) file, `-` for standard input; it must be a mapping."""
    import yaml

    try:
        with click.open_file(file, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except OSError as err:
        raise click.BadParameter(
            f"cannot read {file}: {err.strerror or err}", param_hint="'--file'"
        ) from None
    except yaml.YAMLError as err:
        where = getattr(err, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        raise click.BadParameter(
            f"{Path(file).name} is not valid YAML{line}", param_hint="'--file'"
        ) from None
    if not isinstance(data, dict):
        raise click.BadParameter(
            f"{file} must hold a mapping of fields, as in the API's body", param_hint="'--file'"
        )
    return data
