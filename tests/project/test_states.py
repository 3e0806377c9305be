"""Every state list comes from the server's enums: the OpenAPI document uses them, and the CLI
and the UI read generated modules that a test keeps fresh."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from typing import Any

import pytest

from cli import definitions as cli_definitions
from cli import runs as cli_runs
from cli import states as cli_states
from orchestrator.gateway.openapi import build_document
from orchestrator.models import states
from orchestrator.models.run import RunState
from tests.support import ROOT

_spec = importlib.util.spec_from_file_location("gen_states", ROOT / "docs" / "gen" / "states.py")
gen_states = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen_states)


@pytest.fixture(scope="module")
def schemas() -> dict[str, Any]:
    return build_document("test")["components"]["schemas"]


class TestEnums:
    """The step state is an enum with `pending` and `skipped`; the lists derive from enums."""

    def test_step_states_include_pending_and_skipped(self) -> None:
        assert {"pending", "skipped"} <= set(states.STEP_STATES)
        assert states.STEP_STATES[0] == states.StepState.PENDING

    def test_run_lists_are_the_run_enum_without_skipped(self) -> None:
        assert set(states.RUN_STATES) == {s.value for s in RunState} - {"skipped"}
        assert (*states.ACTIVE_STATES, *states.FINISHED_STATES) == states.RUN_STATES
        assert ("never_run", *states.RUN_STATES) == states.OWNER_STATES


class TestDocument:
    """The OpenAPI enums are the models' lists."""

    def test_state_schemas_come_from_the_enums(self, schemas: dict[str, Any]) -> None:
        assert schemas["RunState"]["enum"] == list(states.RUN_STATES)
        assert schemas["StepState"]["enum"] == list(states.STEP_STATES)
        owner = [*states.RUN_STATES, "never_run"]
        assert schemas["JobState"]["enum"] == schemas["PipelineState"]["enum"] == owner


class TestGenerated:
    """cli/states.py and web/src/states.js say what the enums say."""

    @pytest.mark.parametrize("path", [gen_states.CLI_MODULE, gen_states.UI_MODULE], ids=str)
    def test_checked_in_module_is_fresh(self, path) -> None:
        expected = gen_states.outputs()[path]
        assert path.read_text(encoding="utf-8") == expected, (
            f"{path.name} is stale: run python docs/gen/states.py"
        )

    def test_check_mode_fails_on_a_stale_file(self, tmp_path, monkeypatch) -> None:
        monkeypatch.setattr(gen_states, "CLI_MODULE", tmp_path / "states.py")
        monkeypatch.setattr(gen_states, "UI_MODULE", tmp_path / "states.js")
        assert gen_states.main(["--check"]) == 1
        assert gen_states.main([]) == 0
        assert gen_states.main(["--check"]) == 0

    def test_the_script_checks_the_tree(self) -> None:
        script = ROOT / "docs" / "gen" / "states.py"
        done = subprocess.run([sys.executable, str(script), "--check"], capture_output=True)
        assert done.returncode == 0, done.stdout

    def test_the_cli_uses_the_generated_lists(self) -> None:
        assert cli_runs.RUN_STATES == cli_states.RUN_STATES == states.RUN_STATES
        assert cli_definitions.OWNER_STATES == states.OWNER_STATES
