"""REST resource: pipelines (`/pipelines`), sequences and DAGs of job steps."""

from orchestrator.gateway.definitions import definition_routes

routes = definition_routes("pipeline", "/pipelines")
