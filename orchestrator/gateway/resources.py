"""Every resource module of the gateway, in the order the app adds their routes.

Importing this module declares every route (`routing.DECLARED`), which is what the
authorization table and the OpenAPI document are built from.
"""

from __future__ import annotations

from orchestrator.gateway import (
    api_keys,
    audit_trail,
    auth,
    backup,
    contexts,
    docs,
    jobs,
    metrics,
    output_stream,
    pipelines,
    retention,
    run_output,
    runs,
    schedules,
    system,
    transfer,
    users,
    webhooks,
    webui,
    workers,
)

RESOURCES = (
    system,
    backup,
    auth,
    users,
    api_keys,
    audit_trail,
    jobs,
    pipelines,
    schedules,
    runs,
    run_output,
    output_stream,
    contexts,
    webhooks,
    metrics,
    transfer,
    retention,
    workers,
    docs,
    webui,
)
