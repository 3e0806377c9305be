"""The running system: the store, the actors and the Timekeeper, started and stopped in order.

Kept apart from the HTTP side so tests and the `init` command can bring the actors up alone.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import time
from typing import Any

import pykka

from actors import messages as m
from actors.base import Address
from actors.notifier import NotifierActor
from actors.sampler import SamplerActor
from actors.storage import StorageActor
from actors.storage.checkpoints import OutputCheckpoints
from actors.storage.transfer import Retention
from actors.supervisor import SupervisorActor
from actors.supervisor.job_run import RunSettings
from orchestrator.config import Config
from orchestrator.errors import ConfigError
from orchestrator.execution.live import LiveOutputs
from orchestrator.execution.local import Launch, LocalExecutor
from orchestrator.execution.users import resolve_run_as
from orchestrator.gateway.waiting import RunWaiters
from orchestrator.log import get_logger
from orchestrator.models.fields import now
from orchestrator.models.job import JobDefaults
from orchestrator.runs.admission import ResourceLimits
from orchestrator.runs.backlog import Backlog
from orchestrator.security.rotation import finish_pending_rotation, key_source
from orchestrator.security.secrets import API_KEY_PREFIX, hash_password, new_password, new_token
from orchestrator.startup.private_files import warn_if_shared
from orchestrator.store.damage import open_store
from orchestrator.store.lock import DataLock
from orchestrator.timekeeper import Timekeeper

log = get_logger("orchestrator.startup.runtime")
STOP_TIMEOUT = 10.0  # seconds an actor gets to stop before the process goes on without it


class Runtime:
    def __init__(self, config: Config) -> None:
        self.config = config
        started = time.perf_counter()
        source = key_source(config)
        # Before the store is opened or any leftover stopped: one process per data directory.
        self.lock = DataLock(config.data_dir).acquire()
        # Loading creates one object graph per stored run; collecting while it is built only
        # slows the load, and afterwards the loaded records are moved out of the collector's
        # reach (gc.freeze) so full collections do not walk 100,000 runs every few seconds.
        gc.disable()
        try:
            store = open_store(config.store_path, source, config.log_dir)
        except BaseException:
            self.lock.release()
            raise
        finally:
            gc.freeze()
            gc.enable()
        finish_pending_rotation(store, source)
        self._start_actors(config, store)
        warn_if_shared(config.data_dir)
        log.info(
            "store opened",
            path=str(config.store_path),
            jobs=len(store.jobs),
            runs=len(store.runs),
            seconds=round(time.perf_counter() - started, 3),
        )

    def _start_actors(self, config: Config, store: Any) -> None:
        """The start order, once: every actor is given its collaborators at construction.

        Storage and the Notifier talk both ways (Storage tells what it committed, the Notifier
        asks who subscribes): the Notifier's address is made first, Storage is given it, and the
        Notifier then starts on it with Storage. Nothing is assigned to an actor after start.
        """
        jobs, execution = config.jobs, config.execution
        self.timekeeper = Timekeeper()
        self.waiters = RunWaiters()  # the gateway's `wait=true` requests, attached to its loop
        self.live_outputs = LiveOutputs()  # the output of running attempts, for followers
        # Woken only for what it may send (read on Storage's thread, which owns `webhooks`).
        notifier_address = Address(
            wants=functools.partial(m.notifier_wants, webhooks=store.webhooks)
        )
        self.storage = StorageActor.start(
            store,
            JobDefaults(jobs.default_timeout, jobs.default_max_attempts, jobs.default_retry_delay),
            clock=self.timekeeper,
            subscribers=(notifier_address, self.waiters),
            retention=Retention(config.retention, config.log_dir, self.timekeeper),
            checkpoints=OutputCheckpoints(
                self.live_outputs, self.timekeeper, jobs.output_checkpoint_interval
            ),
        )
        self.store_health = self.storage.proxy().health.get()
        self.notifier = NotifierActor.start(self.storage, config.webhooks, notifier_address)
        self.executor = self._executor(execution)
        settings = RunSettings(
            storage=self.storage,
            timekeeper=self.timekeeper,
            executor=self.executor,
            max_output_bytes=jobs.max_output_bytes,
            kill_grace=execution.kill_grace,
            notifier=self.notifier,
            live=self.live_outputs,
        )
        limits = ResourceLimits(execution.max_cpu_percent, execution.min_free_memory_mb)
        self.backlog = Backlog(execution.max_queued_runs)
        self.supervisor = SupervisorActor.start(
            settings, execution.max_concurrent_runs, limits, self.backlog
        )
        self.sampler = SamplerActor.start(config.data_dir, self.timekeeper, on_sample=self._sampled)
        cluster = getattr(self.executor, "cluster", None)
        if cluster is not None:  # workers or the scheduler came or went: admit again
            cluster.on_change = lambda: self.supervisor.tell(m.PlacementChanged())

    def _executor(self, execution: Any) -> Any:
        """The configured executor, started (a Dask one connects to its cluster first)."""
        if execution.executor != "dask":
            user = resolve_run_as(execution.run_as)
            return LocalExecutor(Launch(execution.env_passthrough, user))
        from orchestrator.execution.dask import DaskExecutor
        from orchestrator.execution.dask_cluster import DaskSettings, settings_problem

        dask_settings = DaskSettings.from_config(execution)
        problem = settings_problem(dask_settings)
        if problem is not None:
            raise ConfigError(problem)
        executor = DaskExecutor(dask_settings, execution.env_passthrough)
        executor.start_cluster()
        return executor

    def recover(self) -> None:
        """Cut runs left going by a crash, and arm again the runs planned for later.

        Their processes are stopped before the runs are marked interrupted: a crash during this
        leaves them marked running, so the next start stops what is left of them again.
        """
        cut = self.supervisor.ask(m.RecoverRuns())
        if cut:
            log.warning("runs cut by the last stop are interrupted", runs=len(cut))
            message = "Runs were cut by the last stop of the server and are now interrupted."
            self.notifier.tell(m.SystemError(message, {"runs": cut}))
        self.supervisor.ask(m.StartSchedules())
        self.storage.tell(m.Purge(now()))  # retention once at start, then every hour

    def _sampled(self, sample: dict[str, Any]) -> None:
        """Sampler listener, on its thread: admission learns the machine's resources."""
        available = sample["memory"]["available"]
        mb = available / 2**20 if available is not None else None
        with contextlib.suppress(pykka.ActorDeadError):
            self.supervisor.tell(m.Resources(sample["cpu_percent"], mb))

    def bootstrap_admin(self, password: str | None, api_key: str | None) -> dict[str, Any] | None:
        """Create the first admin when the store has no user; returns what to show, or None.

        Only generated secrets are shown (and written to initial-admin.txt); ones given through
        the environment are already known to whoever set them.
        """
        if self.storage.ask(m.ListUsers())["total"]:
            return None  # the usual start: no password to hash (scrypt is slow on purpose)
        generated = {}
        if password is None:
            password = generated["password"] = new_password()
        if api_key is None:
            api_key = generated["api_key"] = new_token(API_KEY_PREFIX)
        if not self.storage.ask(m.BootstrapAdmin(hash_password(password), api_key)):
            return None
        return {"username": "admin", **generated}

    def drain(self, grace: float) -> None:
        """Let running runs finish within `grace` seconds, then cut what is left."""
        try:
            running = self.supervisor.ask(m.Shutdown(grace), timeout=STOP_TIMEOUT)
            if running:
                log.info("waiting for running runs", count=running, grace=grace)
            if not self._wait_idle(grace):
                log.warning("shutdown grace is over; interrupting the runs still going")
                self.supervisor.tell(m.InterruptAll())
                self._wait_idle(self.config.execution.kill_grace + 5)
        except (pykka.ActorDeadError, pykka.Timeout) as err:
            log.error("the Supervisor did not answer; stopping without it", error=repr(err))

    def _wait_idle(self, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while (stats := self.supervisor.ask(m.Stats(), timeout=STOP_TIMEOUT))["running"] or stats[
            "pipelines"
        ]:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
        return True

    def core_actors(self) -> dict[str, Any]:
        """The actors the server cannot work without, by name (for the watchdog)."""
        return {
            "Storage": self.storage,
            "Supervisor": self.supervisor,
            "Notifier": self.notifier,
            "Sampler": self.sampler,
            "Timekeeper": self.timekeeper,
        }

    def stop(self) -> None:
        """Stop every actor; a dead or failing one never keeps the process from ending."""
        self.timekeeper.stop()
        with contextlib.suppress(Exception):
            self.supervisor.stop(timeout=STOP_TIMEOUT)
        if hasattr(self.executor, "close"):
            with contextlib.suppress(Exception):
                self.executor.close()
        # The first flush announces the last run ends; the Notifier sends them (briefly) as it
        # stops, and the second flush keeps the records of those deliveries.
        self._flush()
        with contextlib.suppress(Exception):
            self.notifier.stop(timeout=STOP_TIMEOUT)
        self._flush()
        pykka.ActorRegistry.stop_all(block=False)
        for ref in (self.storage, self.sampler):
            with contextlib.suppress(Exception):
                ref.stop(timeout=STOP_TIMEOUT)
        self.lock.release()
        log.info("actors stopped")

    def _flush(self) -> None:
        try:
            self.storage.ask(m.Flush(), timeout=STOP_TIMEOUT)
        except Exception as err:  # noqa: BLE001 - logged; the store keeps what it could
            log.warning("the store could not be flushed at stop", error=str(err))
