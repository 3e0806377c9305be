"""REST resource: jobs (`/jobs`), from creation to running one."""

from orchestrator.gateway.definitions import definition_routes

routes = definition_routes("job", "/jobs")
