"""What a job sees of the server's environment: the pass-through list, never the ORCH_* secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import ADMIN_KEY, ADMIN_PASSWORD, ServerProcess

SERVER_ENV = {"ORCH_SOME_SETTING": "server-only-value", "LC_TESTING": "lc-value", "OTHER_VAR": "o"}


def _env_of_job(server: ServerProcess, workdir: Path, **extra) -> str:
    body = {"name": "show-env", "command": "env", "workdir": str(workdir), **extra}
    status, job = server.request("POST", "/jobs", body)
    assert status == 201, job
    status, run = server.request("POST", f"/jobs/{job['id']}/run?wait=true")
    assert status == 200 and run["state"] == "succeeded", run
    status, output = server.request("GET", f"/runs/{run['id']}/output")
    assert status == 200
    return output["stdout"]


@pytest.fixture
def started(tmp_path: Path, request: pytest.FixtureRequest):
    args = getattr(request, "param", ())
    server = ServerProcess(tmp_path / "data", *args, env=SERVER_ENV).start()
    yield server
    server.stop()


class TestJobEnvironment:
    """A real server's job: what it inherits, and what it never does."""

    def test_the_server_secrets_do_not_reach_the_job(self, started, tmp_path: Path):
        """The admin bootstrap values and every ORCH_* setting stay out of the job's env."""
        seen = _env_of_job(started, tmp_path, env={"ORCH_MINE": "job-value"})
        assert ADMIN_KEY not in seen and ADMIN_PASSWORD not in seen
        assert "ORCH_ADMIN_API_KEY" not in seen and "ORCH_SOME_SETTING" not in seen
        assert "server-only-value" not in seen
        # What the run sets itself, and the job's own variables, are there.
        assert "ORCH_RUN_ID=R" in seen and "ORCH_MINE=job-value" in seen
        assert "LC_TESTING=lc-value" in seen  # default pass-through: LC_*
        assert "OTHER_VAR" not in seen

    @pytest.mark.parametrize("started", [("--set", "execution.env_passthrough=*")], indirect=True)
    def test_a_star_passes_everything_but_orch(self, started, tmp_path: Path):
        """With `*` the other variables pass; the server's ORCH_* values still do not."""
        seen = _env_of_job(started, tmp_path)
        assert "OTHER_VAR=o" in seen
        assert ADMIN_KEY not in seen and "server-only-value" not in seen
