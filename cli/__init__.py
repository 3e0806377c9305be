"""orchestrator-cli: the command-line client. Carries only the version, which matches the server's.

The client never imports the server packages, so it keeps its own copy of the version string;
a test compares it with pyproject.toml.
"""

__version__ = "0.3.0a0"
VERSION_DISPLAY = "0.3.0 Alpha"
