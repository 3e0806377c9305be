"""Acceptance: the secret key. `rotate-key` re-seals every secret with a new key that the next
start uses; a wrong or missing key stops the start with one readable line and exit code 1, never
with garbage or a traceback; ORCH_SECRET_KEY works the same way and is never written to disk."""

from __future__ import annotations

import os
import shutil
import stat
import uuid
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tests.security_helpers import command, files_holding, secret_job, secret_reaches_job
from tests.support import ServerProcess

TOKEN = "rot-" + uuid.uuid4().hex


def make_store(data_dir: Path, env: dict[str, str] | None = None) -> str:
    """Start a server, store a job with a secret that reaches it, stop; returns the job ID."""
    server = ServerProcess(data_dir, env=env).start()
    try:
        job = secret_job(server, data_dir.parent, TOKEN)
        assert secret_reaches_job(server, job["id"])
    finally:
        assert server.stop() == 0
    return job["id"]


def still_works(data_dir: Path, job_id: str, env: dict[str, str] | None = None) -> bool:
    """Start a server on `data_dir` again and tell whether the secret still reaches the job."""
    server = ServerProcess(data_dir, env=env).start()
    try:
        return secret_reaches_job(server, job_id)
    finally:
        server.stop()


def refused(data_dir: Path, *names: str, env: dict[str, str] | None = None) -> str:
    """Start the server expecting a refusal: exit code 1 and exactly one line on stderr, which
    names every one of `names`. Returns the line."""
    done = command(data_dir, "--silent", env=env)
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), done.stderr
    assert all(name in lines[0] for name in names), lines[0]
    assert "Traceback" not in done.stdout, done.stdout
    return lines[0]


@pytest.fixture(scope="module")
def rotated(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A store with a secret, rotated once with `rotate-key`: the folder, job, old and new keys."""
    data_dir = tmp_path_factory.mktemp("rotation") / "data"
    job_id = make_store(data_dir)
    key_file = data_dir / "secret.key"
    old = key_file.read_bytes()
    done = command(data_dir, "rotate-key")
    assert done.returncode == 0, done.stderr
    return {"dir": data_dir, "job": job_id, "old": old, "new": key_file.read_bytes(),
            "output": done.stdout}  # fmt: skip


def copy_of(rotated: dict, tmp_path: Path) -> Path:
    """A copy of the rotated data directory that a test may damage."""
    target = tmp_path / "data"
    shutil.copytree(rotated["dir"], target)
    return target


class TestRotateKeyFile:
    def test_the_key_file_changes(self, rotated: dict) -> None:
        """The key file holds a new valid key, stays owner-only, and no pending file is left."""
        key_file = rotated["dir"] / "secret.key"
        assert rotated["new"] != rotated["old"]
        Fernet(rotated["new"].strip())
        assert str(key_file) in rotated["output"]
        assert not (rotated["dir"] / "secret.key.new").exists()
        if os.name == "posix":
            assert stat.S_IMODE(key_file.stat().st_mode) == 0o600

    def test_secret_still_reaches_the_job(self, rotated: dict, tmp_path: Path) -> None:
        """After the rotation a restarted server still gives the job its secret."""
        assert still_works(copy_of(rotated, tmp_path), rotated["job"])

    def test_old_key_is_refused(self, rotated: dict, tmp_path: Path) -> None:
        """The old key file put back stops the start with one line naming the key file."""
        data_dir = copy_of(rotated, tmp_path)
        (data_dir / "secret.key").write_bytes(rotated["old"])
        refused(data_dir, str(data_dir / "secret.key"))

    def test_no_traceback_on_the_console(self, rotated: dict, tmp_path: Path) -> None:
        """With console logs on (the default), a refused key still shows no traceback."""
        data_dir = copy_of(rotated, tmp_path)
        (data_dir / "secret.key").write_bytes(rotated["old"])
        done = command(data_dir)
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr + done.stdout, done.stderr
        assert str(data_dir / "secret.key") in done.stderr.strip().splitlines()[-1]

    def test_missing_key_is_refused(self, rotated: dict, tmp_path: Path) -> None:
        """Without the key file, a store with secrets does not start, and the line says why."""
        data_dir = copy_of(rotated, tmp_path)
        (data_dir / "secret.key").unlink()
        refused(data_dir, str(data_dir / "secret.key"), "ORCH_SECRET_KEY")

    def test_rotation_with_a_wrong_key_changes_nothing(self, rotated: dict, tmp_path: Path) -> None:
        """`rotate-key` with a key that does not open the store fails and leaves it alone."""
        data_dir = copy_of(rotated, tmp_path)
        (data_dir / "secret.key").write_bytes(rotated["old"])
        before = (data_dir / "orchestrator.sqlite").read_bytes()
        done = command(data_dir, "rotate-key")
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert (data_dir / "secret.key").read_bytes() == rotated["old"]
        assert (data_dir / "orchestrator.sqlite").read_bytes() == before


class TestEnvironmentKey:
    def test_rotation_prints_the_new_key(self, tmp_path: Path) -> None:
        """With ORCH_SECRET_KEY, rotate-key prints a new key; only that key opens the store."""
        data_dir = tmp_path / "data"
        first = Fernet.generate_key().decode()
        job_id = make_store(data_dir, {"ORCH_SECRET_KEY": first})
        done = command(data_dir, "rotate-key", env={"ORCH_SECRET_KEY": first})
        assert done.returncode == 0, done.stderr
        second = done.stdout.strip().splitlines()[-1]
        assert second != first
        Fernet(second.encode())
        assert still_works(data_dir, job_id, {"ORCH_SECRET_KEY": second})
        refused(data_dir, "ORCH_SECRET_KEY", env={"ORCH_SECRET_KEY": first})
        assert files_holding(data_dir, [first, second, TOKEN]) == {}

    def test_wrong_values_are_refused(self, tmp_path: Path) -> None:
        """Another valid key, or a value that is no key at all, stops the start clearly."""
        data_dir = tmp_path / "data"
        first, other = (Fernet.generate_key().decode() for _ in range(2))
        created = command(data_dir, "init", env={"ORCH_SECRET_KEY": first})
        assert created.returncode == 0, created.stderr
        refused(data_dir, "ORCH_SECRET_KEY", env={"ORCH_SECRET_KEY": other})
        line = refused(data_dir, env={"ORCH_SECRET_KEY": "not-a-key"})
        assert "key" in line.lower()
