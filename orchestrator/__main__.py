"""`python -m orchestrator` runs the server, exactly like `orchestrator-server`."""

from orchestrator.server import main

main(prog_name="orchestrator-server")
