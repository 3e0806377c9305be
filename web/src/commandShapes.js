// How the command bar shows what the API answered: tables of lists, fields of one object, text.
// Pure functions used by commandTable.js, one per kind of answer.
import { cell, seconds, stateLabel, when } from "./format.js";

const col = (label, key, format = cell) => ({ label, key, format });
const yes = (v) => (v ? "yes" : "no");

export const JOB_COLUMNS = [
  col("ID", "id"), col("Name", "name"), col("State", "state", stateLabel),
  col("Enabled", "enabled", yes), col("Next run", "next_run_at", when),
  col("Tags", "tags"), col("Command", "command"),
];
export const PIPELINE_COLUMNS = [
  col("ID", "id"), col("Name", "name"), col("State", "state", stateLabel),
  col("Steps", "steps", (v) => String((v || []).length)), col("Next run", "next_run_at", when),
];
export const RUN_COLUMNS = [
  col("ID", "id"), col("Kind", "kind"), col("Owner", "owner_name"),
  col("State", "state", stateLabel), col("Started", "started_at", when),
  col("Duration", "duration", seconds), col("Exit", "exit_code"),
];
export const SCHEDULE_COLUMNS = [
  col("ID", "id"), col("Name", "name"), col("Cron", "cron"), col("Zone", "timezone"),
  col("Enabled", "enabled", yes), col("Next fire", "next_fire_at", when),
  col("Targets", "targets"),
];
export const CONTEXT_COLUMNS = [
  col("ID", "id"), col("Kind", "kind"), col("Owner", "owner_name"),
  col("State", "state", stateLabel), col("Generated", "generated_at", when),
];

export const JOB_FIELDS = ["id", "name", "state", "command", "workdir", "timeout", "max_attempts",
  "retry_delay", "max_concurrent", "enabled", "tags", "description", "env", "secret_env",
  "last_run_id", "next_run_at", "created_at", "updated_at", "created_by"];
export const PIPELINE_FIELDS = ["id", "name", "state", "steps", "on_failure", "max_attempts",
  "max_concurrent", "tags", "description", "last_run_id", "next_run_at", "created_at",
  "updated_at"];
export const RUN_FIELDS = ["id", "kind", "owner_name", "owner_id", "state", "trigger",
  "scheduled_for", "queued_at", "started_at", "finished_at", "duration", "exit_code", "error",
  "steps"];
export const CONTEXT_FIELDS = ["id", "kind", "owner_name", "state", "run_id", "generated_at",
  "duration", "exit_code", "size", "truncated", "content"];

function rowsOf(columns, items) {
  return items.map((item) => columns.map(({ key, format }) => format(item[key])));
}

export function table(columns, noun) {
  return (data) => ({
    type: "table",
    columns: columns.map(({ label }) => label),
    rows: rowsOf(columns, data.items),
    summary: `${data.items.length} of ${data.total} ${noun}${data.total === 1 ? "" : "s"}`,
  });
}

export function fields(keys) {
  return (data) => ({
    type: "fields",
    rows: keys.filter((key) => key in data).map((key) => [key, showField(key, data[key])]),
  });
}

/** A pipeline's or a run's steps, one per line: "load (job load) after transform: succeeded". */
function showSteps(steps) {
  if (!steps?.length) return "—";
  return steps.map((step) => {
    const job = step.job_name || step.job || step.job_id;
    const after = step.depends_on?.length ? ` after ${step.depends_on.join(", ")}` : "";
    const state = step.state ? `: ${stateLabel(step.state)}` : "";
    return `${step.id} (job ${job})${after}${state}`;
  }).join("\n");
}

function showField(key, value) {
  if (key === "state") return stateLabel(value);
  if (key === "steps") return showSteps(value);
  if (key === "trigger" && value) return `${value.type} by ${value.by}`;
  if (key.endsWith("_at") || key === "scheduled_for") return when(value);
  if (key === "duration") return seconds(value);
  return cell(value);
}

/** A run's captured output as preformatted text. */
export function output(data, [id]) {
  const parts = [data.stdout || "(no standard output)"];
  if (data.stderr) parts.push(`--- standard error ---\n${data.stderr}`);
  if (data.truncated) parts.push("(the output was cut: the server keeps only its beginning)");
  return { type: "pre", title: `Output of run ${id}`, text: parts.join("\n") };
}

/** What a schedule's trigger started, with the targets it skipped in the summary. */
export function triggered(data, [name]) {
  const skipped = data.skipped.map((item) => `${item.target} (${item.reason})`);
  const started = `${name} started ${data.runs.length} run${data.runs.length === 1 ? "" : "s"}`;
  return {
    type: "table",
    columns: RUN_COLUMNS.map(({ label }) => label),
    rows: rowsOf(RUN_COLUMNS, data.runs),
    summary: skipped.length ? `${started}; skipped ${skipped.join(", ")}.` : `${started}.`,
  };
}
