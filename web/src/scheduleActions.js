// What the Trigger, Pause and Resume buttons of a schedule do, and the jobs and pipelines a
// schedule can target. Each action says what happened and answers null when it failed.
import { api, enc } from "./api.js";
import { notify } from "./notify.js";

const base = (schedule) => `/schedules/${enc(schedule.id)}`;

/** Fire now: answers `{ runs, skipped }` (every target starts at once). */
export async function trigger(schedule) {
  try {
    const fired = await api.post(`${base(schedule)}/trigger`);
    const count = fired.runs.length;
    const skipped = fired.skipped.length ? `; ${fired.skipped.length} target(s) skipped` : "";
    notify(`${schedule.name} started ${count} run${count === 1 ? "" : "s"}${skipped}.`, "ok",
      count === 1 ? { to: `/runs/${fired.runs[0].id}`, label: "Open the run" } : { to: "/runs", label: "Open the runs" });
    return fired;
  } catch (err) {
    notify(err.message, "error");
    return null;
  }
}

/** Pause (enabled false) or resume a schedule; answers the schedule as it now is. */
export async function setEnabled(schedule, enabled) {
  try {
    const saved = await api.post(`${base(schedule)}/${enabled ? "resume" : "pause"}`);
    notify(`${schedule.name} is ${enabled ? "resumed" : "paused"}.`);
    return saved;
  } catch (err) {
    notify(err.message, "error");
    return null;
  }
}

/** Add (`on`) or remove a target by ID; answers the schedule as it now is. */
export async function setTarget(schedule, target, on) {
  try {
    return on
      ? await api.post(`${base(schedule)}/targets`, { target })
      : await api.del(`${base(schedule)}/targets/${enc(target)}`);
  } catch (err) {
    notify(err.message, "error");
    return null;
  }
}

/** Every job and pipeline as `{ jobs, pipelines, names }` for target pickers. */
export async function loadTargets() {
  const [jobs, pipelines] = await Promise.all([
    api.get("/jobs", { limit: 1000 }), api.get("/pipelines", { limit: 1000 }),
  ]);
  const pick = (page) => page.items.map(({ id, name }) => ({ id, name }));
  const names = Object.fromEntries([...jobs.items, ...pipelines.items].map((i) => [i.id, i.name]));
  return { jobs: pick(jobs), pipelines: pick(pipelines), names };
}
