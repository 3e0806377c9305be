"""Every piece of application state the gateway keeps, behind typed keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web

from orchestrator.config import Config
from orchestrator.gateway.principal_cache import PrincipalCache
from orchestrator.log import LogControl
from orchestrator.security.throttle import LoginThrottle


@dataclass(frozen=True)
class Services:
    """What the gateway talks to: the actors it asks, and the shared parts of the server."""

    config: Config
    supervisor: Any
    storage: Any
    waiters: Any  # gateway.waiting.RunWaiters: a subscriber of Storage, made with the system
    logs: LogControl
    sampler: Any = None  # the Sampler actor; without it, /metrics samples on the spot
    notifier: Any = None  # the Notifier actor; without it, webhook tests answer 503
    backlog: Any = None  # orchestrator.runs.backlog.Backlog; without it, no limit on waiting runs
    store_health: Any = None  # orchestrator.store.health.StoreHealth; /health reports it
    live: Any = None  # orchestrator.execution.live.LiveOutputs: output of the running attempts
    executor: Any = None  # the Executor the runs use; /system/workers asks it for its workers


SERVICES = web.AppKey("services", Services)
PRINCIPALS = web.AppKey("principals", PrincipalCache)
THROTTLE = web.AppKey("throttle", LoginThrottle)
# The tasks serving /logs/stream and the output streams, ended at shutdown.
STREAMS = web.AppKey("streams", set)
AUDIT = web.AppKey("audit", Any)  # gateway.audit_batch.AuditBatch
WAITERS = web.AppKey("waiters", Any)  # gateway.waiting.RunWaiters, made when the loop runs
