// The command bar's commands: the CLI's words, each turned into one API request and its answer
// shaped as a table, a list of fields, text, or a page to open. Pure data and functions, no fetch.
import * as shape from "./commandShapes.js";
import { JOB_STATES, RUN_STATES } from "./format.js";

const enc = encodeURIComponent;
const LEVELS = ["debug", "info", "warning", "error"];
const { fields, table } = shape;

/** The pages `go PAGE` opens, by the word typed. */
export const PAGES = {
  dashboard: "/", jobs: "/jobs", pipelines: "/pipelines", schedules: "/schedules",
  runs: "/runs", contexts: "/contexts", logs: "/logs", keys: "/keys", users: "/users",
  webhooks: "/webhooks", audit: "/audit", settings: "/settings",
};

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
  render: fields(shape.RUN_FIELDS),
});

/** A writer's POST on one run (`cancel`, `retry`), answering the run it acted on or started. */
const runAction = (action) => ({
  args: [{ name: "ID", source: "run" }],
  role: "writer",
  request: ([id]) => ({ method: "POST", path: `/runs/${enc(id)}/${action}` }),
  render: fields(shape.RUN_FIELDS),
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
    render: table(shape.JOB_COLUMNS, "job"),
  },
  "jobs get": getOf("job", shape.JOB_FIELDS),
  "jobs run": runOf("job"),
  "pipelines list": {
    request: () => ({ method: "GET", path: "/pipelines" }),
    render: table(shape.PIPELINE_COLUMNS, "pipeline"),
  },
  "pipelines get": getOf("pipeline", shape.PIPELINE_FIELDS),
  "pipelines run": runOf("pipeline"),
  "runs list": {
    options: { "--owner": "owner", "--state": "state", "--limit": "limit" },
    choices: { "--state": RUN_STATES },
    sources: { "--owner": "owner" },
    request: (_, opts) => ({ method: "GET", path: "/runs", query: { limit: 20, ...opts } }),
    render: table(shape.RUN_COLUMNS, "run"),
  },
  "runs get": getOf("run", shape.RUN_FIELDS),
  "runs output": {
    args: [{ name: "ID", source: "run" }],
    request: ([id]) => ({ method: "GET", path: `/runs/${enc(id)}/output` }),
    render: shape.output,
  },
  "runs cancel": runAction("cancel"),
  "runs retry": runAction("retry"),
  "contexts list": {
    request: () => ({ method: "GET", path: "/contexts" }),
    render: table(shape.CONTEXT_COLUMNS, "context"),
  },
  "contexts get": getOf("context", shape.CONTEXT_FIELDS),
  "contexts reset": {
    args: [{ name: "ID", source: "context" }],
    role: "writer",
    request: ([id]) => ({ method: "POST", path: `/contexts/${enc(id)}/reset` }),
    render: (data) => ({ type: "text", text: `The context of ${data.owner_name} is now empty.` }),
  },
  "schedules list": {
    request: () => ({ method: "GET", path: "/schedules" }),
    render: table(shape.SCHEDULE_COLUMNS, "schedule"),
  },
  "schedules trigger": {
    args: [{ name: "NAME", source: "schedule" }],
    role: "writer",
    request: ([id]) => ({ method: "POST", path: `/schedules/${enc(id)}/trigger` }),
    render: shape.triggered,
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
  go: {
    args: [{ name: "PAGE", choices: Object.keys(PAGES) }],
    request: () => null,
    render: (_, [page]) => ({ type: "navigate", to: PAGES[page.toLowerCase()] }),
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
  "pipelines get": "Show one pipeline with its steps",
  "pipelines run": "Start a pipeline; --wait waits for it to finish",
  "runs list": "Recent runs, filtered by owner or state",
  "runs get": "Show one run",
  "runs output": "Show what a run printed",
  "runs cancel": "Cancel a queued or running run",
  "runs retry": "Run a finished run again (a pipeline: its failed and skipped steps)",
  "contexts list": "List contexts (the latest output of each job and pipeline)",
  "contexts get": "Show a context by its ID or its owner's name",
  "contexts reset": "Empty a context",
  "schedules list": "List schedules",
  "schedules trigger": "Fire a schedule now: start all its targets",
  "log-level get": "Show the server's log level",
  "log-level set": "Change the server's log level (admin)",
  go: `Open a page: ${Object.keys(PAGES).join(", ")}`,
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
