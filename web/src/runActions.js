// Cancel and retry a run, saying what happened; both answer true when the server agreed.
import { api, enc } from "./api.js";
import { ask } from "./confirm.js";
import { notify } from "./notify.js";

export async function cancelRun(run) {
  const sure = await ask({
    title: `Cancel run ${run.id}?`,
    message: `The ${run.kind} ${run.owner_name} is stopped with its whole process tree.`,
    confirm: "Cancel the run",
    danger: true,
  });
  if (!sure) return false;
  try {
    await api.post(`/runs/${enc(run.id)}/cancel`);
    notify(`Run ${run.id} is being cancelled.`);
    return true;
  } catch (err) {
    notify(err.message, "error");
    return false;
  }
}

export async function retryRun(run) {
  try {
    const again = await api.post(`/runs/${enc(run.id)}/retry`);
    notify(`Retrying as run ${again.id}.`, "ok", { to: `/runs/${again.id}`, label: "Open" });
    return true;
  } catch (err) {
    notify(err.message, "error");
    return false;
  }
}
