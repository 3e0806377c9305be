"""REST resource: pipelines (`/pipelines`), sequences and DAGs of job steps."""

from orchestrator.gateway.definitions import definition_routes

api = definition_routes("pipeline", "/pipelines", refers=True)
routes = api.routes
