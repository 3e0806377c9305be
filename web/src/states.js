// The server's state lists, for the UI.
// Generated from orchestrator/models/states.py by docs/gen/states.py: do not edit.

export const ACTIVE_STATES = ["scheduled", "queued", "running", "retrying"];
export const FINISHED_STATES = ["succeeded", "failed", "timed_out", "cancelled", "interrupted"];
export const RUN_STATES = ["scheduled", "queued", "running", "retrying", "succeeded", "failed", "timed_out", "cancelled", "interrupted"];
export const OWNER_STATES = ["never_run", "scheduled", "queued", "running", "retrying", "succeeded", "failed", "timed_out", "cancelled", "interrupted"];
export const STEP_STATES = ["pending", "queued", "running", "retrying", "succeeded", "failed", "timed_out", "cancelled", "interrupted", "skipped"];
