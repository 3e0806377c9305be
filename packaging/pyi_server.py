"""PyInstaller entry point of the `orchestrator-server` binary: the same code as the script."""

from orchestrator.startup import run

run()
