"""Write the state lists of the CLI (`cli/states.py`) and the UI (`web/src/states.js`) from the
server's enums (`orchestrator/models/states.py`), so neither keeps a copy that drifts.

    python docs/gen/states.py [--check]

The CLI never imports the server, and the UI is built apart from it: both get a generated
module, checked in. `--check` writes nothing and exits 1 when a checked-in file differs from
what the enums say (`make docs` rewrites them); a test runs the same comparison.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from orchestrator.models import states  # noqa: E402 - needs ROOT on sys.path first

CLI_MODULE = ROOT / "cli" / "states.py"
UI_MODULE = ROOT / "web" / "src" / "states.js"
LISTS = {
    "ACTIVE_STATES": states.ACTIVE_STATES,
    "FINISHED_STATES": states.FINISHED_STATES,
    "RUN_STATES": states.RUN_STATES,
    "OWNER_STATES": states.OWNER_STATES,
    "STEP_STATES": states.STEP_STATES,
}
NOTE = "Generated from orchestrator/models/states.py by docs/gen/states.py: do not edit."


def python_module() -> str:
    lines = ['"""The server\'s state lists, for the CLI.', "", NOTE, '"""', ""]
    for name, values in LISTS.items():
        lines += [f"{name} = (", *(f'    "{v}",' for v in values), ")"]
    return "\n".join(lines) + "\n"


def js_module() -> str:
    lines = ["// The server's state lists, for the UI.", f"// {NOTE}", ""]
    for name, values in LISTS.items():
        lines.append(f"export const {name} = [" + ", ".join(f'"{v}"' for v in values) + "];")
    return "\n".join(lines) + "\n"


def outputs() -> dict[Path, str]:
    return {CLI_MODULE: python_module(), UI_MODULE: js_module()}


def main(argv: list[str]) -> int:
    stale = [path for path, text in outputs().items() if not _same(path, text)]
    if "--check" in argv:
        for path in stale:
            print(f"{_shown(path)} is stale: run python docs/gen/states.py")
        return 1 if stale else 0
    for path in stale:
        path.write_text(outputs()[path], encoding="utf-8")
        print(f"wrote {_shown(path)}")
    return 0


def _shown(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def _same(path: Path, text: str) -> bool:
    return path.is_file() and path.read_text(encoding="utf-8") == text


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
