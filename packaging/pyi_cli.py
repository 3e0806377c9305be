"""PyInstaller entry point of the `orchestrator-cli` binary: the same code as the script."""

from cli.main import main

main()
