"""The server's one connection to a Dask cluster, kept alive by a thread of its own.

`Cluster` owns the `distributed.Client` (synchronous: its event loop runs on the client's own
thread) to the configured scheduler, or to a `LocalCluster` it starts here when no address is
given. Every `REFRESH` seconds its keeper thread checks the connection, reconnects when the
scheduler is back (a client gives up after its connect timeout), re-subscribes to the attempts'
topic on a new scheduler, and caches the workers' resources, so that admission can ask whether a
run can be placed (`placeable`) without waiting on the network.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from orchestrator.log import get_logger

log = get_logger("orchestrator.execution.dask")
REFRESH = 1.0  # seconds between checks of the connection and of the workers
UNREACHABLE = "cluster unreachable"


@dataclass(frozen=True)
class DaskSettings:
    """The `execution.dask_*` keys."""

    address: str = ""
    workers: int = 2
    tls_ca_file: str = ""
    tls_cert: str = ""
    tls_key: str = ""
    connect_timeout: float = 10.0

    @classmethod
    def from_config(cls, execution: Any) -> DaskSettings:
        return cls(
            address=execution.dask_address,
            workers=execution.dask_workers,
            tls_ca_file=execution.dask_tls_ca_file,
            tls_cert=execution.dask_tls_cert,
            tls_key=execution.dask_tls_key,
            connect_timeout=execution.dask_connect_timeout,
        )


def settings_problem(settings: DaskSettings) -> str | None:
    """What keeps the Dask executor from starting with these settings, in a sentence, or None."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        return (
            "execution.executor is dask but distributed is not installed: "
            "pip install 'orchestrator[dask]'"
        )
    address = settings.address
    if address and "://" not in address and ":" not in address:
        return f"execution.dask_address {address!r} must look like tcp://host:8786"
    for key in ("tls_ca_file", "tls_cert", "tls_key"):
        path = getattr(settings, key)
        if path and not os.path.isfile(path):
            return f"execution.dask_{key} {path} is not a file"
    if bool(settings.tls_cert) != bool(settings.tls_key):
        return "execution.dask_tls_cert and execution.dask_tls_key go together"
    return None


def security(settings: DaskSettings) -> Any:
    """The TLS settings as Dask takes them, or None when none is set."""
    if not (settings.tls_ca_file or settings.tls_cert or settings.tls_key):
        return None
    from distributed.security import Security

    return Security(
        tls_ca_file=settings.tls_ca_file or None,
        tls_client_cert=settings.tls_cert or None,
        tls_client_key=settings.tls_key or None,
        require_encryption=True,
    )


def _no_reruns(dask_scheduler: Any) -> int:
    """On the scheduler: a task whose worker died errs (KilledWorker) instead of running again."""
    before = dask_scheduler.allowed_failures
    dask_scheduler.allowed_failures = 0
    return before


class Cluster:
    def __init__(self, settings: DaskSettings, topic: str, on_event: Callable[[Any], None]) -> None:
        self.settings = settings
        self.topic, self.on_event = topic, on_event
        self.client: Any = None
        self.local: Any = None  # the LocalCluster started here, if any
        self.adopted: tuple[int, str | None] | None = None  # (client, scheduler) subscribed
        self.workers: list[dict] = []
        self.reachable = False
        self.on_change: Callable[[], None] | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._keep, name="dask-keeper", daemon=True)

    @property
    def address(self) -> str | None:
        if self.settings.address:
            return self.settings.address
        return self.local.scheduler_address if self.local is not None else None

    def start(self) -> None:
        """Connect once now (the server starts with a cluster if one is there), then keep it."""
        import dask

        # Our tasks have side effects: a task of a lost worker must never run again elsewhere.
        dask.config.set({"distributed.scheduler.allowed-failures": 0})
        if not self.settings.address:
            from distributed import LocalCluster

            self.local = LocalCluster(
                n_workers=self.settings.workers,
                threads_per_worker=8,
                processes=True,
                dashboard_address=None,
                host="127.0.0.1",
            )
            workers = self.settings.workers
            log.info("local Dask cluster started", address=self.address, workers=workers)
        self._connect()
        self._refresh()
        self._thread.start()

    def _connect(self) -> None:
        from distributed import Client

        try:
            client = Client(
                self.address,
                timeout=self.settings.connect_timeout,
                security=security(self.settings),
                set_as_default=False,
            )
        except (OSError, TimeoutError) as err:
            log.warning("Dask scheduler unreachable", address=self.address, error=str(err))
            return
        old, self.client = self.client, client
        if old is not None:
            old.close(timeout=1)
        log.info("connected to the Dask scheduler", address=self.address)

    def _refresh(self) -> None:
        """Check the connection and cache the workers; tell `on_change` when either changed."""
        client = self.client
        before = (self.reachable, [w["resources"] for w in self.workers])
        if client is None or client.status in ("closed", "closing", "newly-created"):
            self._connect()
            client = self.client
        try:
            if client is None or client.status != "running":
                raise OSError("not connected")
            info = client.scheduler_info(n_workers=-1)
        except Exception as err:  # noqa: BLE001 - any failure means: not reachable now
            if self.reachable:
                log.warning("Dask scheduler unreachable", address=self.address, error=str(err))
            self.reachable = False
        else:
            if self.adopted != (id(client), info.get("id")):
                self._adopt(client, info.get("id"))
            self.workers = [{"address": a, **w} for a, w in info.get("workers", {}).items()]
            if not self.reachable:
                workers = len(self.workers)
                log.info("Dask scheduler reachable", address=self.address, workers=workers)
            self.reachable = True
        after = (self.reachable, [w["resources"] for w in self.workers])
        if after != before and self.on_change is not None:
            self.on_change()

    def _adopt(self, client: Any, scheduler_id: str | None) -> None:
        """A scheduler seen for the first time: subscribe to our topic, turn off re-runs."""
        client.subscribe_topic(self.topic, self.on_event)
        try:
            before = client.run_on_scheduler(_no_reruns)
        except Exception as err:  # noqa: BLE001 - a scheduler may refuse to run our code
            log.warning(
                "could not turn off task re-runs on the Dask scheduler; start it with "
                "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES=0",
                error=str(err),
            )
        else:
            if before:
                log.warning("turned off task re-runs (allowed-failures) on the Dask scheduler")
        self.adopted = (id(client), scheduler_id)

    def _keep(self) -> None:
        while not self._stop.wait(REFRESH):
            try:
                self._refresh()
            except Exception:  # noqa: BLE001 - the keeper must outlive one bad round
                log.exception("checking the Dask cluster failed")

    def placeable(self, resources: dict[str, float]) -> str | None:
        """Why a run with `resources` cannot be placed now, or None when a worker can take it."""
        if not self.reachable:
            return UNREACHABLE
        if not self.workers:
            return "no worker in the cluster"
        for worker in self.workers:
            offered = worker.get("resources") or {}
            if all(offered.get(name, 0) >= amount for name, amount in resources.items()):
                return None
        wanted = ", ".join(f"{name}={amount:g}" for name, amount in sorted(resources.items()))
        return f"no worker offers {wanted}"

    def describe(self) -> dict:
        """The cluster as `GET /system/workers` shows it."""
        items = []
        for worker in self.workers:
            metrics = worker.get("metrics") or {}
            items.append(
                {
                    "name": str(worker.get("name")),
                    "address": worker["address"],
                    "host": worker.get("host"),
                    "resources": worker.get("resources") or {},
                    "running": metrics.get("executing", 0),
                    "memory": metrics.get("memory"),
                    "memory_limit": worker.get("memory_limit"),
                    "nthreads": worker.get("nthreads"),
                }
            )
        return {
            "executor": "dask",
            "scheduler": self.address,
            "reachable": self.reachable,
            "items": items,
        }

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=REFRESH + 5)
        if self.client is not None:
            self.client.close(timeout=5)
        if self.local is not None:
            self.local.close(timeout=10)
