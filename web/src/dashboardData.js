// The numbers behind the dashboard, from /metrics when the server has it and from the list
// endpoints otherwise. Pure shaping functions are exported for the charts.
import { api, getOptional } from "./api.js";
import { JOB_STATES, minuteTicks } from "./format.js";

const DAY = 24 * 3600 * 1000;
const total = async (path, query) => (await api.get(path, { ...query, limit: 1 })).total;

/** `{ jobs: {total, by_state}, pipelines: {total, by_state}, running, queued, metrics }`. */
export async function loadCounts() {
  const metrics = await getOptional("/metrics");
  if (metrics) {
    return {
      jobs: metrics.jobs,
      pipelines: metrics.pipelines,
      running: metrics.runs.running,
      queued: metrics.runs.queued,
      metrics,
    };
  }
  const states = await Promise.all(JOB_STATES.map((state) => total("/jobs", { state })));
  const [jobs, pipelines, running, queued] = await Promise.all([
    total("/jobs"), total("/pipelines"), total("/runs", { state: "running" }),
    total("/runs", { state: "queued" }),
  ]);
  const byState = Object.fromEntries(JOB_STATES.map((state, i) => [state, states[i]]));
  return { jobs: { total: jobs, by_state: byState }, pipelines: { total: pipelines }, running, queued, metrics: null };
}

/** Runs created in the last 24 hours (up to 1000), newest first. */
export async function loadRecentRuns(now = Date.now()) {
  const since = new Date(now - DAY).toISOString();
  return (await api.get("/runs", { since, limit: 1000 })).items;
}

const OUTCOME = {
  succeeded: "Succeeded", failed: "Failed", timed_out: "Failed", interrupted: "Failed",
};

/** Runs per hour for the last 24 hours, as Chart.js labels and stacked datasets. */
export function runsPerHour(runs, now = Date.now()) {
  const hour = 3600 * 1000;
  const start = Math.floor(now / hour) * hour - 23 * hour;
  const labels = Array.from({ length: 24 }, (_, i) => `${String(new Date(start + i * hour).getHours()).padStart(2, "0")}:00`);
  const series = { Succeeded: Array(24).fill(0), Failed: Array(24).fill(0), Other: Array(24).fill(0) };
  for (const run of runs) {
    const at = Math.floor((new Date(run.created_at || run.queued_at).getTime() - start) / hour);
    if (at >= 0 && at < 24) series[OUTCOME[run.state] || "Other"][at] += 1;
  }
  const colors = { Succeeded: "#16a34a", Failed: "#dc2626", Other: "#64748b" };
  const datasets = Object.entries(series).map(([label, data]) => ({
    label, data, backgroundColor: colors[label], borderRadius: 2,
  }));
  const sums = Object.fromEntries(Object.entries(series).map(([k, v]) => [k, v.reduce((a, b) => a + b, 0)]));
  return { labels, datasets, sums };
}

/** CPU and memory percentages from /metrics/history; null when the server has no history. */
export async function loadResourceHistory() {
  const history = await getOptional("/metrics/history");
  const samples = history?.items || [];
  if (!samples.length) return history ? { labels: [], datasets: [] } : null;
  const labels = samples.map((s) => new Date(s.time).toTimeString().slice(0, 8));
  const line = (label, data, color) => ({
    label, data, borderColor: color, backgroundColor: `${color}22`, fill: true, pointRadius: 0, tension: 0.25, borderWidth: 2,
  });
  return {
    labels,
    ticks: minuteTicks(labels),
    datasets: [
      line("CPU %", samples.map((s) => s.cpu_percent), "#6366f1"),
      line("Memory %", samples.map((s) => s.memory?.percent), "#0ea5e9"),
    ],
  };
}
