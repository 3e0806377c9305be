"""`python -m orchestrator` runs the server, exactly like `orchestrator-server`."""

from orchestrator.startup import main

main(prog_name="orchestrator-server")
