"""Hot backup: `orchestrator-cli backup FILE` copies a running server's store through
`POST /system/backup`; the copy starts a server with the same definitions, the file is private,
an existing file is kept unless --force, only admins may take one, and it is audited."""

from __future__ import annotations

import os
import shutil
import sqlite3
import urllib.request
from pathlib import Path

from tests.api_helpers import make_job, unique
from tests.security_helpers import add_account, audit_records
from tests.support import ServerProcess


def _job_names(server: ServerProcess) -> set[str]:
    status, page = server.request("GET", "/jobs?limit=1000")
    assert status == 200, page
    return {job["name"] for job in page["items"]}


class TestBackupCommand:
    """`backup FILE` writes a consistent, private copy that works as a store."""

    def test_the_copy_starts_a_server_with_the_same_jobs(
        self, fresh_server: ServerProcess, tmp_path: Path
    ) -> None:
        """Jobs created just before the backup are in it, and a server on the copy (with the
        same secret.key, which the store checks at start) lists exactly the same jobs."""
        for _ in range(3):
            make_job(fresh_server, tmp_path)
        make_job(fresh_server, tmp_path, secret_env={"TOKEN": "kept-secret"}, name=unique("sec"))
        names = _job_names(fresh_server)
        target = tmp_path / "copy.sqlite"
        done = fresh_server.cli("backup", str(target))
        assert done.returncode == 0, done.stderr
        lines = done.stdout.strip().splitlines()
        assert len(lines) == 1 and str(target) in lines[0] and "KiB" in lines[0], lines
        if os.name == "posix":
            assert target.stat().st_mode & 0o777 == 0o600
        with sqlite3.connect(target) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        # Nothing of the copy is left behind in the server's data directory.
        assert not list(fresh_server.data_dir.glob(".backup-*"))

        restored_dir = tmp_path / "restored" / "data"
        restored_dir.mkdir(parents=True)
        shutil.copy(target, restored_dir / "orchestrator.sqlite")
        shutil.copy(fresh_server.data_dir / "secret.key", restored_dir / "secret.key")
        restored = ServerProcess(restored_dir).start()
        try:
            assert _job_names(restored) == names
            status, job = restored.request("GET", "/jobs?limit=1000")
            assert status == 200
            secret = [j for j in job["items"] if j["name"].startswith("sec-")]
            assert secret and secret[0]["secret_env"] == {"TOKEN": "***"}
        finally:
            restored.stop()

    def test_an_existing_file_is_kept_without_force(
        self, server: ServerProcess, tmp_path: Path
    ) -> None:
        """Without --force an existing FILE is refused and untouched; with it, replaced."""
        target = tmp_path / "old.sqlite"
        target.write_bytes(b"previous backup")
        refused = server.cli("backup", str(target))
        assert refused.returncode == 1
        assert refused.stderr.startswith("error: ") and "--force" in refused.stderr
        assert target.read_bytes() == b"previous backup"
        forced = server.cli("backup", str(target), "--force")
        assert forced.returncode == 0, forced.stderr
        assert target.read_bytes().startswith(b"SQLite format 3\x00")

    def test_a_reader_is_refused_and_no_file_is_left(
        self, server: ServerProcess, tmp_path: Path
    ) -> None:
        """A non-admin gets the server's 403 as one error line; no file (or part) remains."""
        reader = add_account(server, "reader")
        target = tmp_path / "denied.sqlite"
        refused = server.cli("backup", str(target), env={"ORCH_API_KEY": reader.key})
        assert refused.returncode == 1
        assert refused.stderr.startswith("error: "), refused.stderr
        assert list(tmp_path.iterdir()) == []


class TestBackupRoute:
    """`POST /system/backup` answers a download and is audited."""

    def test_answers_a_sqlite_download_and_is_audited(self, server: ServerProcess) -> None:
        """The answer is an attachment of type application/vnd.sqlite3 holding a database;
        the audit trail records `system.backup`."""
        request = urllib.request.Request(
            server.url + "/system/backup",
            method="POST",
            headers={"Authorization": f"Bearer {server.api_key}"},
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            body = answer.read()
            assert answer.headers["Content-Type"] == "application/vnd.sqlite3"
            disposition = answer.headers["Content-Disposition"]
        assert disposition.startswith('attachment; filename="orchestrator-backup-')
        assert body.startswith(b"SQLite format 3\x00")
        assert any(r["action"] == "system.backup" for r in audit_records(server))


class TestBackupHelp:
    """The command documents how to restore."""

    def test_help_says_how_to_restore(self, server: ServerProcess) -> None:
        """`backup --help` names --force and the restore steps."""
        shown = server.cli("backup", "--help")
        assert shown.returncode == 0
        assert "--force" in shown.stdout and "secret.key" in shown.stdout
