"""REST resource: jobs (`/jobs`), from creation to running one."""

from orchestrator.gateway.definitions import definition_routes

api = definition_routes("job", "/jobs")
routes = api.routes
