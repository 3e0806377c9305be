// Pure formatting of the API's values for people: times, durations, sizes and state names.

export const ACTIVE_STATES = ["scheduled", "queued", "running", "retrying"];
export const FINISHED_STATES = ["succeeded", "failed", "timed_out", "cancelled", "interrupted"];
export const RUN_STATES = [...ACTIVE_STATES, ...FINISHED_STATES];
export const JOB_STATES = ["never_run", ...RUN_STATES];

/** "2026-11-27T10:00:00.123+00:00" → "2026-11-27 10:00:00" in the browser's time zone. */
export function when(value) {
  if (!value) return "—";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const pad = (n) => String(n).padStart(2, "0");
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  return `${day} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** "3 min ago", "in 2 h": for tables where the exact time is in the title attribute. */
export function ago(value, now = Date.now()) {
  if (!value) return "—";
  const seconds = Math.round((new Date(value).getTime() - now) / 1000);
  const size = Math.abs(seconds);
  const [amount, unit] =
    size < 60 ? [size, "s"]
    : size < 3600 ? [Math.round(size / 60), "min"]
    : size < 86400 ? [Math.round(size / 3600), "h"]
    : [Math.round(size / 86400), "d"];
  if (size < 5) return "just now";
  return seconds < 0 ? `${amount} ${unit} ago` : `in ${amount} ${unit}`;
}

/** Seconds as "0.42 s", "12.3 s", "4 min 05 s", "2 h 03 min". */
export function seconds(value) {
  if (value === null || value === undefined) return "—";
  if (value < 10) return `${value.toFixed(2)} s`;
  if (value < 60) return `${value.toFixed(1)} s`;
  const total = Math.round(value);
  if (total < 3600) return `${Math.floor(total / 60)} min ${String(total % 60).padStart(2, "0")} s`;
  const minutes = Math.round(total / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

export function bytes(value) {
  if (value === null || value === undefined) return "—";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let size = value;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${size} B` : `${size.toFixed(1)} ${units[unit]}`;
}

/** "timed_out" → "timed out". */
export function stateLabel(state) {
  return state ? String(state).replaceAll("_", " ") : "unknown";
}

export function isActive(state) {
  return ACTIVE_STATES.includes(state);
}

/** Any cell value as text: lists joined, objects as JSON, empties as a dash. */
export function cell(value) {
  if (value === null || value === undefined || value === "") return "—";
  if (Array.isArray(value)) return value.length ? value.join(", ") : "—";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** "KEY=VALUE" lines ↔ an object of strings, for env fields in forms. */
export function parsePairs(text) {
  const pairs = {};
  const bad = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    const at = line.indexOf("=");
    if (at <= 0) bad.push(line);
    else pairs[line.slice(0, at).trim()] = line.slice(at + 1);
  }
  return { pairs, bad };
}

export function formatPairs(object) {
  return Object.entries(object || {})
    .map(([key, value]) => `${key}=${value}`)
    .join("\n");
}

/**
 * The x-axis labels of a time series sampled every few seconds (`HH:MM:SS` labels): "HH:MM" at
 * the first sample of each `every`-th minute, null elsewhere, so no time is shown twice.
 */
export function minuteTicks(labels, every = 10) {
  let last = null;
  return labels.map((label) => {
    const minute = label.slice(0, 5);
    if (minute === last || Number(minute.slice(3)) % every !== 0) return null;
    last = minute;
    return minute;
  });
}
