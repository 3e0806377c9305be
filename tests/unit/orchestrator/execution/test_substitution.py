"""`$$(name)` references become environment variables, so context text is never shell code."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from orchestrator.errors import InvalidReference
from orchestrator.execution.local import LocalExecutor
from orchestrator.execution.model import AttemptResult, AttemptSpec
from orchestrator.execution.substitution import find_references, substitute

HOSTILE = "a; touch pwned\n$(touch pwned2) `touch pwned3` 'single' \"double\" $HOME & | > out"


def ignore(result: AttemptResult) -> None:
    """An `on_done` for tests that read the result from `wait`."""


def refuse(name: str) -> str:
    raise AssertionError(f"resolved {name} although nothing references it")


class TestFindReferences:
    def test_names_in_order_each_once(self) -> None:
        """References are listed in order of first appearance, without repeats."""
        command = "echo $$(b) $$(CJ7K2M9QXA) $$(b) $$(my-job.v2_x)"
        assert find_references(command) == ["b", "CJ7K2M9QXA", "my-job.v2_x"]

    def test_other_dollar_forms_are_not_references(self) -> None:
        """Shell substitutions, `$$` alone, spaces and empty names are left alone."""
        assert find_references("echo $(x) $$ ($x) $$(with space) $$() ${y}") == []

    def test_names_are_at_most_200_characters(self) -> None:
        """A 200-character name is a reference; a 201-character one is not."""
        assert find_references(f"$$({'n' * 200})") == ["n" * 200]
        assert find_references(f"$$({'n' * 201})") == []


class TestSubstitute:
    def test_no_reference_leaves_the_command_alone(self) -> None:
        """Without references the command is unchanged and nothing is resolved."""
        assert substitute("echo $HOME $(date)", refuse) == ("echo $HOME $(date)", {})

    def test_repeated_references_share_one_variable(self) -> None:
        """Each distinct name is resolved once and gets one variable, used everywhere."""
        asked: list[str] = []

        def resolve(name: str) -> str:
            asked.append(name)
            return name.upper()

        command, env = substitute('echo "$$(a)" $$(b) "$$(a)"', resolve, windows=False)
        assert command == 'echo "${ORCH_CTX_1}" ${ORCH_CTX_2} "${ORCH_CTX_1}"'
        assert env == {"ORCH_CTX_1": "A", "ORCH_CTX_2": "B"}
        assert asked == ["a", "b"]

    def test_windows_uses_delayed_expansion(self) -> None:
        """On Windows a reference becomes `!VAR!`, which cmd does not parse again."""
        command, env = substitute("echo $$(a) $$(a)", lambda name: "x", windows=True)
        assert (command, env) == ("echo !ORCH_CTX_1! !ORCH_CTX_1!", {"ORCH_CTX_1": "x"})

    def test_unknown_reference_propagates(self) -> None:
        """The resolver's `InvalidReference` reaches the caller untouched."""

        def resolve(name: str) -> str:
            raise InvalidReference(f"no context named {name}")

        with pytest.raises(InvalidReference, match="no context named nope"):
            substitute("echo $$(nope)", resolve)


@pytest.mark.skipif(os.name == "nt", reason="runs a POSIX shell")
class TestContextIsData:
    def run(self, command: str, workdir: Path) -> str:
        command, env = substitute(command, lambda name: HOSTILE, windows=False)
        result = LocalExecutor().start(AttemptSpec(command, str(workdir), env=env), ignore).wait(30)
        assert result is not None and result.exit_code == 0, result
        return result.stdout

    def test_quoted_reference_prints_the_text_literally(self, tmp_path: Path) -> None:
        """Separators, substitutions, quotes and newlines in a context run nothing."""
        assert self.run('echo "$$(x)"', tmp_path) == HOSTILE + "\n"
        assert sorted(path.name for path in tmp_path.iterdir()) == []

    def test_unquoted_reference_is_split_but_not_executed(self, tmp_path: Path) -> None:
        """Unquoted, the text is split into words like any variable, and still runs nothing."""
        output = self.run("printf '%s\\n' $$(x)", tmp_path)
        assert output.split("\n")[:3] == ["a;", "touch", "pwned"]
        assert sorted(path.name for path in tmp_path.iterdir()) == []
