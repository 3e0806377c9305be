// The command bar's commands: the CLI's words, each turned into one API request and its answer
// shaped as a table, a list of fields, or text. Pure data and functions, no fetch.
import { cell, JOB_STATES, RUN_STATES, seconds, stateLabel, when } from "./format.js";

const enc = encodeURIComponent;
const LEVELS = ["debug", "info", "warning", "error"];

const col = (label, key, format = cell) => ({ label, key, format });
const JOB_COLUMNS = [
  col("ID", "id"), col("Name", "name"), col("State", "state", stateLabel),
  col("Enabled", "enabled", (v) => (v ? "yes" : "no")), col("Next run", "next_run_at", when),
  col("Tags", "tags"), col("Command", "command"),
];
const PIPELINE_COLUMNS = [
  col("ID", "id"), col("Name", "name"), col("State", "state", stateLabel),
  col("Steps", "steps", (v) => String((v || []).length)), col("Next run", "next_run_at", when),
];
const RUN_COLUMNS = [
  col("ID", "id"), col("Kind", "kind"), col("Owner", "owner_name"),
  col("State", "state", stateLabel), col("Started", "started_at", when),
  col("Duration", "duration", seconds), col("Exit", "exit_code"),
];
const SCHEDULE_COLUMNS = [
  col("ID", "id"), col("Name", "name"), col("Cron", "cron"), col("Zone", "timezone"),
  col("Enabled", "enabled", (v) => (v ? "yes" : "no")), col("Next fire", "next_fire_at", when),
  col("Targets", "targets"),
];
const CONTEXT_COLUMNS = [
  col("ID", "id"), col("Kind", "kind"), col("Owner", "owner_name"),
  col("State", "state", stateLabel), col("Generated", "generated_at", when),
];

function table(columns, noun) {
  return (data) => ({
    type: "table",
    columns: columns.map(({ label }) => label),
    rows: data.items.map((item) => columns.map(({ key, format }) => format(item[key]))),
    summary: `${data.items.length} of ${data.total} ${noun}${data.total === 1 ? "" : "s"}`,
  });
}

function fields(keys) {
  return (data) => ({
    type: "fields",
    rows: keys.filter((key) => key in data).map((key) => [key, showField(key, data[key])]),
  });
}

function showField(key, value) {
  if (key === "state") return stateLabel(value);
  if (key.endsWith("_at")) return when(value);
  if (key === "duration") return seconds(value);
  return cell(value);
}

const JOB_FIELDS = ["id", "name", "state", "command", "workdir", "timeout", "max_attempts",
  "retry_delay", "max_concurrent", "enabled", "tags", "description", "env", "secret_env",
  "last_run_id", "next_run_at", "created_at", "updated_at", "created_by"];
const PIPELINE_FIELDS = ["id", "name", "state", "on_failure", "max_attempts", "tags",
  "description", "last_run_id", "next_run_at", "created_at", "updated_at"];
const RUN_FIELDS = ["id", "kind", "owner_name", "owner_id", "state", "trigger", "scheduled_for",
  "queued_at", "started_at", "finished_at", "duration", "exit_code", "error"];
const CONTEXT_FIELDS = ["id", "kind", "owner_name", "state", "run_id", "generated_at",
  "duration", "exit_code", "size", "truncated", "content"];

const runOf = (kind) => ({
  args: [{ name: "ID", source: kind }],
  flags: { "--wait": "wait" },
  role: "writer",
  request: ([id], opts) => ({
    method: "POST",
    path: `/${kind}s/${enc(id)}/run`,
    query: opts.wait ? { wait: "true" } : {},
    body: {},
  }),
  render: fields(RUN_FIELDS),
});

const getOf = (kind, keys) => ({
  args: [{ name: "ID", source: kind }],
  request: ([id]) => ({ method: "GET", path: `/${kind}s/${enc(id)}` }),
  render: fields(keys),
});

export const COMMANDS = {
  "jobs list": {
    options: { "--tag": "tag", "--state": "state", "-q": "q" },
    choices: { "--state": JOB_STATES },
    request: (_, opts) => ({ method: "GET", path: "/jobs", query: opts }),
    render: table(JOB_COLUMNS, "job"),
  },
  "jobs get": getOf("job", JOB_FIELDS),
  "jobs run": runOf("job"),
  "pipelines list": {
    request: () => ({ method: "GET", path: "/pipelines" }),
    render: table(PIPELINE_COLUMNS, "pipeline"),
  },
  "pipelines get": getOf("pipeline", PIPELINE_FIELDS),
  "pipelines run": runOf("pipeline"),
  "runs list": {
    options: { "--owner": "owner", "--state": "state", "--limit": "limit" },
    choices: { "--state": RUN_STATES },
    sources: { "--owner": "owner" },
    request: (_, opts) => ({ method: "GET", path: "/runs", query: { limit: 20, ...opts } }),
    render: table(RUN_COLUMNS, "run"),
  },
  "runs get": getOf("run", RUN_FIELDS),
  "contexts list": {
    request: () => ({ method: "GET", path: "/contexts" }),
    render: table(CONTEXT_COLUMNS, "context"),
  },
  "contexts get": getOf("context", CONTEXT_FIELDS),
  "schedules list": {
    request: () => ({ method: "GET", path: "/schedules" }),
    render: table(SCHEDULE_COLUMNS, "schedule"),
  },
  "log-level get": {
    request: () => ({ method: "GET", path: "/system/log-level" }),
    render: (data) => ({ type: "text", text: `Log level: ${data.level}` }),
  },
  "log-level set": {
    args: [{ name: "LEVEL", choices: LEVELS }],
    role: "admin",
    request: ([level]) => ({ method: "PUT", path: "/system/log-level", body: { level } }),
    render: (data) => ({ type: "text", text: `Log level is now ${data.level}.` }),
  },
  help: {
    request: () => null,
    render: () => ({
      type: "table",
      columns: ["Command", "What it does"],
      rows: Object.entries(COMMANDS).map(([words, spec]) => [usage(words, spec), HELP[words]]),
      summary: "Tab completes commands and names; ↑ and ↓ walk the history.",
    }),
  },
};

const HELP = {
  "jobs list": "List jobs, filtered by tag, state or name",
  "jobs get": "Show one job's definition and state",
  "jobs run": "Start a job; --wait waits for it to finish",
  "pipelines list": "List pipelines",
  "pipelines get": "Show one pipeline",
  "pipelines run": "Start a pipeline; --wait waits for it to finish",
  "runs list": "Recent runs, filtered by owner or state",
  "runs get": "Show one run",
  "contexts list": "List contexts (the latest output of each job and pipeline)",
  "contexts get": "Show a context by its ID or its owner's name",
  "schedules list": "List schedules",
  "log-level get": "Show the server's log level",
  "log-level set": "Change the server's log level (admin)",
  help: "This list",
};

export function usage(words, spec = COMMANDS[words]) {
  const args = (spec.args || []).map((arg) => arg.name);
  const options = Object.entries(spec.options || {}).map(([flag, name]) => {
    return `[${flag} ${name.toUpperCase()}]`;
  });
  const flags = Object.keys(spec.flags || {}).map((flag) => `[${flag}]`);
  return [words, ...args, ...options, ...flags].join(" ");
}
