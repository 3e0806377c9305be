"""The environment filter alone: which of the server's variables a job inherits."""

from __future__ import annotations

from orchestrator.execution.environment import inherited


class TestInherited:
    """The filter alone: glob patterns choose, ORCH_* never passes."""

    def test_patterns_choose_the_names(self):
        """Exact names and globs pass; everything else stays behind."""
        env = {"PATH": "/bin", "LC_ALL": "C", "LC_TIME": "C", "SECRET_TOKEN": "x", "HOME": "/h"}
        assert inherited(["PATH", "LC_*"], env, windows=False) == {
            "PATH": "/bin",
            "LC_ALL": "C",
            "LC_TIME": "C",
        }

    def test_orch_variables_never_pass_even_with_a_star(self):
        """`*` passes everything but the server's own variables, in any case."""
        env = {"ORCH_SECRET_KEY": "k", "orch_admin_password": "p", "ORCHARD": "tree", "A": "1"}
        assert inherited(["*"], env, windows=False) == {"ORCHARD": "tree", "A": "1"}

    def test_windows_names_match_in_any_case(self):
        """On Windows `Path` matches the pattern PATH; on POSIX it does not."""
        env = {"Path": "C:\\Windows", "SystemRoot": "C:\\Windows"}
        assert inherited(["PATH", "SYSTEMROOT"], env, windows=True) == env
        assert inherited(["PATH"], env, windows=False) == {}
