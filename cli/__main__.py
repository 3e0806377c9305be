"""Lets `python -m cli` run the client exactly like the `orchestrator-cli` script."""

from cli.main import main

main()
