"""Orchestrator: a self-hosted job orchestration server. This module only carries the version."""

__version__ = "0.3.0a0"
VERSION_DISPLAY = "0.3.0 Alpha"
