"""`GET /system/workers`, `workers list` and the worker of a run with the Dask executor: a real
server started with `execution.executor=dask` (a LocalCluster of two worker processes)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api_helpers import make_job, run_and_wait
from tests.security_helpers import add_account
from tests.support import ServerProcess

pytest.importorskip("distributed")

DASK = ("--set", "execution.executor=dask", "--set", "execution.dask_workers=2")


@pytest.fixture(scope="module")
def dask_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path_factory.mktemp("dask") / "data", *DASK).start(timeout=90)
    yield proc
    proc.stop()


def workers(server: ServerProcess, count: int, timeout: float = 60.0) -> dict:
    """The answer once `count` workers are connected (they join the scheduler after start)."""
    deadline = time.monotonic() + timeout
    reader = add_account(server, "reader")
    while True:
        status, doc = server.request("GET", "/system/workers", key=reader.key)
        assert status == 200, doc
        if len(doc["items"]) >= count or time.monotonic() > deadline:
            return doc
        time.sleep(0.2)


class TestDaskWorkers:
    """The server names the dask executor, its scheduler and each worker of the cluster."""

    def test_the_api_lists_the_local_clusters_workers(self, dask_server: ServerProcess) -> None:
        doc = workers(dask_server, 2)
        assert doc["executor"] == "dask" and doc["reachable"] is True
        assert doc["scheduler"].startswith(("tcp://", "inproc://"))
        assert len(doc["items"]) == 2, doc
        for worker in doc["items"]:
            assert {"name", "address", "host", "resources", "running", "memory"} <= set(worker)
            assert worker["running"] == 0

    def test_a_run_records_a_worker_of_the_cluster(
        self, dask_server: ServerProcess, tmp_path: Path
    ) -> None:
        names = {w["name"] for w in workers(dask_server, 2)["items"]}
        run = run_and_wait(dask_server, make_job(dask_server, tmp_path, command="echo hi")["id"])
        assert run["state"] == "succeeded", run
        assert run["attempts"][0]["worker"]["name"] in names

    def test_workers_list_in_the_cli(self, dask_server: ServerProcess) -> None:
        doc = workers(dask_server, 2)
        table = dask_server.cli("workers", "list")
        assert table.returncode == 0, table.stderr
        assert table.stdout.startswith(f"executor dask, scheduler {doc['scheduler']}")
        assert "RESOURCES" in table.stdout and "MEMORY" in table.stdout
        for worker in doc["items"]:
            assert worker["name"] in table.stdout
        as_json = json.loads(dask_server.cli("--output", "json", "workers", "list").stdout)
        assert as_json["executor"] == "dask" and len(as_json["items"]) == 2
