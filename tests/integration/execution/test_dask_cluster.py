"""The Dask executor against real `dask scheduler` and `dask worker` processes: where runs go,
a worker killed mid-run, a scheduler stopped and started again, a server restarted mid-run, and
a worker of another version of Orchestrator."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from tests.api_helpers import make_job, run_and_wait, start_run, wait_for
from tests.support import ROOT, ServerProcess, free_port

pytest.importorskip("distributed")
DASK = [sys.executable, "-m"]


class Cluster:
    """A scheduler and its workers, each a real process on 127.0.0.1."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.port = free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.scheduler: subprocess.Popen | None = None
        self.workers: dict[str, subprocess.Popen] = {}

    def _spawn(self, name: str, args: list[str], env: dict[str, str] | None = None):
        log = open(self.base / f"{name}.log", "ab")  # noqa: SIM115
        full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
        return subprocess.Popen(args, stdout=log, stderr=log, env=full_env, cwd=ROOT)

    def start_scheduler(self) -> None:
        args = [*DASK, "distributed.cli.dask_scheduler", "--host", "127.0.0.1"]
        args += ["--port", str(self.port)]
        self.scheduler = self._spawn("scheduler", [*args, "--no-dashboard"])

    def start_worker(self, name: str, where: str, *extra: str) -> None:
        args = [*DASK, "distributed.cli.dask_worker", self.address, "--name", name]
        args += ["--nthreads", "4"]
        args += ["--host", "127.0.0.1", "--no-dashboard", "--no-nanny", *extra]
        self.workers[name] = self._spawn(name, args, {"WHERE_AM_I": where})

    def stop(self) -> None:
        for proc in [*self.workers.values(), self.scheduler]:
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()


def wait_until(check, timeout: float = 30.0, pause: float = 0.1):
    deadline = time.monotonic() + timeout
    while not (value := check()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(pause)
    return value


def processes_of(run_id: str) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter():
        try:
            if proc.environ().get("ORCH_RUN_ID") == run_id:
                found.append(proc)
        except (psutil.Error, OSError):
            continue
    return found


def kill_all(procs: list[psutil.Process]) -> None:
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            proc.kill()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Iterator[Cluster]:
    base = tmp_path_factory.mktemp("dask")
    found = Cluster(base)
    found.start_scheduler()
    found.start_worker("plain", "on-plain")
    found.start_worker("gpu", "on-gpu", "--resources", "gpu=1")
    yield found
    found.stop()


@pytest.fixture(scope="module")
def server(cluster: Cluster, tmp_path_factory) -> Iterator[ServerProcess]:
    base = tmp_path_factory.mktemp("server")
    options = ["execution.executor=dask", f"execution.dask_address={cluster.address}"]
    options += ["execution.env_passthrough=PATH,WHERE_AM_I", "execution.kill_grace=1"]
    args = [item for option in options for item in ("--set", option)]
    proc = ServerProcess(base / "data", *args).start(timeout=60)
    wait_until(lambda: run_and_wait(proc, make_job(proc, base)["id"])["state"] == "succeeded")
    yield proc
    proc.stop()


def output(server: ServerProcess, run_id: str) -> str:
    return server.request("GET", f"/runs/{run_id}/output")[1]["stdout"]


class TestPlacement:
    """Runs go to the workers; the worker's own environment proves where each ran."""

    def test_the_job_prints_its_workers_variable(self, server, tmp_path: Path) -> None:
        """The run prints the variable its worker was started with, and records that worker."""
        job = make_job(server, tmp_path, command='echo "$WHERE_AM_I"')
        run = run_and_wait(server, job["id"])
        name = run["attempts"][0]["worker"]["name"]
        assert name in ("plain", "gpu")
        assert output(server, run["id"]) == f"on-{name}\n"

    def test_resources_pick_the_worker(self, cluster: Cluster, tmp_path: Path) -> None:
        """An attempt needing gpu=1 runs on the worker offering it; gpu=2 cannot be placed."""
        from orchestrator.execution.dask import DaskExecutor
        from orchestrator.execution.dask_cluster import DaskSettings
        from orchestrator.execution.model import AttemptSpec

        executor = DaskExecutor(DaskSettings(address=cluster.address), ("PATH", "WHERE_AM_I"))
        executor.start_cluster()
        try:
            assert executor.placeable({"gpu": 2}) == "no worker offers gpu=2"
            assert executor.placeable({"gpu": 1}) is None
            spec = AttemptSpec('echo "$WHERE_AM_I"', str(tmp_path), resources={"gpu": 1})
            for _ in range(3):
                result = executor.start(spec, lambda result: None).wait(30)
                assert (result.stdout, result.worker["name"]) == ("on-gpu\n", "gpu")
        finally:
            executor.close()

    def test_another_version_is_refused(self, cluster: Cluster, tmp_path: Path) -> None:
        """A worker whose Orchestrator differs refuses the task, naming both versions."""
        from distributed import Client

        import orchestrator
        from orchestrator.execution.dask_task import VersionMismatch, run_attempt

        payload = {"version": "0.0.1", "attempt": "x", "command": "touch ran"}
        payload.update(workdir=str(tmp_path), env={}, timeout=None, kill_grace=1, passthrough=[])
        with Client(cluster.address, set_as_default=False) as client:
            error = client.submit(run_attempt, payload, pure=False).exception(timeout=30)
        assert isinstance(error, VersionMismatch)
        assert "0.0.1" in str(error) and orchestrator.__version__ in str(error)
        assert not (tmp_path / "ran").exists()


class TestFailures:
    """Lost workers, a lost scheduler and a restarted server never leave a run unaccounted."""

    def test_killed_worker_fails_the_run_once(self, cluster, server, tmp_path: Path) -> None:
        """SIGKILL of the worker mid-run: the run fails "worker lost" and never runs again."""
        job = make_job(server, tmp_path, command="echo ran >> marks; sleep 60")
        run = start_run(server, job["id"])
        shells = wait_until(lambda: processes_of(run["id"]))
        victim = psutil.Process(shells[0].pid).parent()
        name = next(n for n, p in cluster.workers.items() if p.pid == victim.pid)
        killed_at = time.monotonic()
        victim.send_signal(signal.SIGKILL)
        try:
            final = wait_for(server, run["id"], timeout=30)
            assert time.monotonic() - killed_at < 10
            assert final["state"] == "failed"
            assert "worker lost" in final["error"] and name in final["error"]
            time.sleep(2)  # a re-run would have started by now
            assert (tmp_path / "marks").read_text() == "ran\n"
        finally:
            kill_all(processes_of(run["id"]))
            cluster.start_worker(name, f"on-{name}", *(["--resources", "gpu=1"] * (name == "gpu")))

    def test_scheduler_restart(self, cluster, server, tmp_path: Path) -> None:
        """With the scheduler gone, runs wait "cluster unreachable"; once back they start."""
        cluster.scheduler.kill()
        cluster.scheduler.wait()
        time.sleep(3)  # the server checks its cluster every second
        job = make_job(server, tmp_path, command="echo back")
        run = start_run(server, job["id"])
        waiting = wait_for(server, run["id"], {"queued"})
        wait_until(lambda: server.request("GET", f"/runs/{run['id']}")[1]["waiting"])
        assert server.request("GET", f"/runs/{run['id']}")[1]["waiting"] == "cluster unreachable"
        assert waiting["state"] == "queued"
        for worker in cluster.workers.values():  # an operator restarts the whole cluster
            worker.kill()
            worker.wait()
        cluster.start_scheduler()
        cluster.start_worker("plain", "on-plain")
        cluster.start_worker("gpu", "on-gpu", "--resources", "gpu=1")
        final = wait_for(server, run["id"], timeout=60)
        assert final["state"] == "succeeded", final
        assert output(server, run["id"]) == "back\n"

    def test_server_restart_stops_remote_runs(self, server, tmp_path: Path) -> None:
        """A server killed mid-run: its remote processes stop; the run is interrupted."""
        job = make_job(server, tmp_path, command="sleep 60")
        run = start_run(server, job["id"])
        shells = wait_until(lambda: processes_of(run["id"]))
        server.kill()
        try:
            assert wait_until(lambda: not any(p.is_running() for p in shells), timeout=20)
        finally:
            kill_all(shells)
            server.start(timeout=60)
        final = wait_for(server, run["id"], timeout=30)
        assert final["state"] == "interrupted"
