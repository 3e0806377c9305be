// What the Run, Run at, Copy and Delete buttons do for a job or a pipeline: ask when needed,
// call the API, and say what happened. Each answers the new object, or null when nothing changed.
import { api, enc } from "./api.js";
import { ask } from "./confirm.js";
import { stateLabel } from "./format.js";
import { notify } from "./notify.js";

const base = (kind, item) => `/${kind}s/${enc(item.id)}`;

async function attempt(work) {
  try {
    return await work();
  } catch (err) {
    notify(err.message, "error");
    return null;
  }
}

function announce(item, run) {
  const text = `Run ${run.id} of ${item.name} is ${stateLabel(run.state)}.`;
  notify(text, "ok", { to: `/runs/${run.id}`, label: "Open the run" });
  return run;
}

export function runNow(kind, item) {
  return attempt(async () => announce(item, await api.post(`${base(kind, item)}/run`, {})));
}

export async function runAt(kind, item) {
  const value = await ask({
    title: `Run ${item.name} later`,
    message: "The run waits in the scheduled state until this time (your browser's time zone).",
    input: { label: "Date and time", type: "datetime-local" },
    confirm: "Plan the run",
  });
  if (!value) return null;
  const at = new Date(value).toISOString();
  return attempt(async () => announce(item, await api.post(`${base(kind, item)}/run`, { at })));
}

export async function copy(kind, item) {
  const name = await ask({
    title: `Copy ${item.name}`,
    message: `The copy gets the same definition under a new name.`,
    input: { label: "Name of the copy", type: "text" },
    value: `${item.name}-copy`,
    confirm: "Copy",
  });
  if (!name) return null;
  return attempt(async () => {
    const created = await api.post(`${base(kind, item)}/copy`, { name });
    notify(`Created ${kind} ${created.name}.`, "ok", { to: `/${kind}s/${created.id}`, label: "Open" });
    return created;
  });
}

export async function remove(kind, item) {
  const sure = await ask({
    title: `Delete ${kind} ${item.name}?`,
    message: kind === "schedule"
      ? "It stops firing; its targets are kept. This cannot be undone."
      : "Its definition and context are removed; this cannot be undone.",
    confirm: "Delete",
    danger: true,
  });
  if (!sure) return false;
  try {
    await api.del(base(kind, item));
  } catch (err) {
    if (err.status !== 409 || kind !== "job") {
      notify(err.message, "error");
      return false;
    }
    const force = await ask({
      title: `${item.name} is in use`,
      message: `${err.message} Delete it anyway? It is also removed from schedules.`,
      confirm: "Delete anyway",
      danger: true,
    });
    const gone = async () => {
      await api.del(base(kind, item), { force: "true" });
      return true;
    };
    if (!force || !(await attempt(gone))) return false;
  }
  notify(`Deleted ${kind} ${item.name}.`);
  return true;
}
