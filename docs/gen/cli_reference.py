"""Write docs/cli-reference.md from the click commands themselves, so the page never drifts.

    python docs/gen/cli_reference.py [--check]

Every command of `orchestrator-cli` and `orchestrator-server` gets a section with its usage, its
help text, its arguments and its options as `--help` shows them. `--check` writes nothing and
exits 1 when the committed page differs from what the code says (`make docs` rewrites it).
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from cli.main import cli  # noqa: E402 - needs ROOT on sys.path first
from orchestrator.startup import main as server  # noqa: E402

PAGE = ROOT / "docs" / "cli-reference.md"
PROGRAMS = (("orchestrator-cli", cli), ("orchestrator-server", server))
INTRO = """# Command reference

Generated from the click commands by `docs/gen/cli_reference.py` (`make docs`): do not edit by
hand. The [CLI guide](cli.md) explains how the commands fit together.
"""


def walk(command: click.Command, name: str, parent: click.Context | None = None) -> Iterator:
    """Yield (context, command) for a command and every subcommand below it, in help order."""
    ctx = click.Context(command, info_name=name, parent=parent, **command.context_settings)
    yield ctx, command
    if isinstance(command, click.Group):
        for sub_name in command.list_commands(ctx):
            sub = command.get_command(ctx, sub_name)
            if sub is not None and not sub.hidden:
                yield from walk(sub, sub_name, ctx)


def command_paths() -> list[str]:
    """Every documented command line, e.g. 'orchestrator-cli jobs create'."""
    return [ctx.command_path for name, root in PROGRAMS for ctx, _ in walk(root, name)]


def anchor(title: str) -> str:
    """The anchor GitHub and most renderers give a heading."""
    return re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")


def _help_text(command: click.Command) -> str:
    text = inspect.cleandoc(command.help or "").split("\f")[0]
    lines = [line for line in text.splitlines() if line.strip() != "\b"]
    return "\n".join(lines).strip()


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _section(ctx: click.Context, command: click.Command) -> list[str]:
    depth = "#" * min(2 + ctx.command_path.count(" "), 4)
    usage = " ".join([ctx.command_path, *command.collect_usage_pieces(ctx)])
    lines = [f"{depth} {ctx.command_path}", "", f"`{usage}`", ""]
    help_text = _help_text(command)
    if help_text:
        lines += [help_text, ""]
    arguments = [p for p in command.get_params(ctx) if isinstance(p, click.Argument)]
    if arguments:
        names = ", ".join(f"`{p.make_metavar(ctx)}`" for p in arguments)
        lines += [f"Arguments: {names}", ""]
    options = [p.get_help_record(ctx) for p in command.get_params(ctx)]
    options = [record for record in options if record is not None]
    if options:
        lines += ["| option | meaning |", "|---|---|"]
        lines += [f"| `{_cell(flags)}` | {_cell(text)} |" for flags, text in options]
        lines.append("")
    if isinstance(command, click.Group):
        subs = command.list_commands(ctx)
        lines += ["Commands: " + ", ".join(f"`{name}`" for name in subs), ""]
    return lines


def render() -> str:
    lines = [INTRO]
    for name, root in PROGRAMS:
        for ctx, _ in walk(root, name):
            indent = "  " * ctx.command_path.count(" ")
            path = ctx.command_path
            lines.append(f"{indent}- [{path}](#{anchor(path)})")
    lines.append("")
    for name, root in PROGRAMS:
        for ctx, command in walk(root, name):
            lines += _section(ctx, command)
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        current = PAGE.read_text(encoding="utf-8") if PAGE.exists() else ""
        if current != text:
            print(f"{PAGE.relative_to(ROOT)} is out of date: run make docs", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {PAGE.relative_to(ROOT)} ({len(command_paths())} commands)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
