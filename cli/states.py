"""The server's state lists, for the CLI.

Generated from orchestrator/models/states.py by docs/gen/states.py: do not edit.
"""

ACTIVE_STATES = (
    "scheduled",
    "queued",
    "running",
    "retrying",
)
FINISHED_STATES = (
    "succeeded",
    "failed",
    "timed_out",
    "cancelled",
    "interrupted",
)
RUN_STATES = (
    "scheduled",
    "queued",
    "running",
    "retrying",
    "succeeded",
    "failed",
    "timed_out",
    "cancelled",
    "interrupted",
)
OWNER_STATES = (
    "never_run",
    "scheduled",
    "queued",
    "running",
    "retrying",
    "succeeded",
    "failed",
    "timed_out",
    "cancelled",
    "interrupted",
)
STEP_STATES = (
    "pending",
    "queued",
    "running",
    "retrying",
    "succeeded",
    "failed",
    "timed_out",
    "cancelled",
    "interrupted",
    "skipped",
)
