// The pipeline form's model: steps keep a stable `key` and depend on keys, not on step ids, so
// renaming a step keeps the steps that depend on it. `toBody` turns the form into the API's body
// (every step with an explicit `depends_on`). Pure, so `npm test` checks it.

let counter = 0;
const nextKey = () => `s${++counter}`;

export function emptyPipeline() {
  return {
    name: "", description: "", tags: "", on_failure: "stop", max_attempts: 1,
    max_concurrent: 1, enabled: true, steps: [],
  };
}

/** A pipeline from the API as form values. */
export function toForm(pipeline) {
  const keys = new Map(pipeline.steps.map((step) => [step.id, nextKey()]));
  return {
    name: pipeline.name,
    description: pipeline.description || "",
    tags: (pipeline.tags || []).join(", "),
    on_failure: pipeline.on_failure || "stop",
    max_attempts: pipeline.max_attempts ?? 1,
    max_concurrent: pipeline.max_concurrent ?? 1,
    enabled: pipeline.enabled ?? true,
    steps: pipeline.steps.map((step) => ({
      key: keys.get(step.id),
      id: step.id,
      job: step.job,
      depends_on: (step.depends_on || []).map((dep) => keys.get(dep)).filter(Boolean),
    })),
  };
}

/** `base`, or `base-2`, `base-3`…: the first step id no other step has. */
export function uniqueId(steps, base, exceptKey = null) {
  const taken = new Set(steps.filter((step) => step.key !== exceptKey).map((step) => step.id));
  const clean = String(base).replace(/[^A-Za-z0-9_.-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 90) || "step";
  let id = clean;
  for (let n = 2; taken.has(id); n += 1) id = `${clean}-${n}`;
  return id;
}

/** A step id the form chose itself, which picking a job may replace with the job's name. */
export const isDefaultId = (id) => /^step(-\d+)?$/.test(id);

/** A new step at the end, after the last step (as the API does without `depends_on`). */
export function addStep(steps) {
  const last = steps.at(-1);
  steps.push({ key: nextKey(), id: uniqueId(steps, "step"), job: "", depends_on: last ? [last.key] : [] });
  return steps;
}

/** Remove the step at `index` and every dependency on it. */
export function removeStep(steps, index) {
  const [gone] = steps.splice(index, 1);
  for (const step of steps) step.depends_on = step.depends_on.filter((key) => key !== gone.key);
  return steps;
}

/** Move the step at `index` by `delta` places (the drawing follows dependencies, not order). */
export function moveStep(steps, index, delta) {
  const to = index + delta;
  if (to < 0 || to >= steps.length) return steps;
  const [step] = steps.splice(index, 1);
  steps.splice(to, 0, step);
  return steps;
}

/** The steps as the API and the drawing know them: ids instead of keys. */
export function stepsOf(form, jobNames = {}) {
  const ids = new Map(form.steps.map((step) => [step.key, step.id.trim()]));
  return form.steps.map((step) => ({
    id: step.id.trim(),
    job: step.job,
    job_name: jobNames[step.job] ?? null,
    depends_on: step.depends_on.map((key) => ids.get(key)).filter((id) => id !== undefined),
  }));
}

const number = (value) => (value === "" || value === null ? undefined : Number(value));

/** The body of POST /pipelines or PUT /pipelines/{id}. */
export function toBody(form) {
  return {
    name: form.name.trim(),
    description: form.description,
    tags: form.tags.split(",").map((tag) => tag.trim()).filter(Boolean),
    on_failure: form.on_failure,
    max_attempts: number(form.max_attempts),
    max_concurrent: number(form.max_concurrent),
    enabled: form.enabled,
    steps: stepsOf(form).map(({ id, job, depends_on }) => ({ id, job, depends_on })),
  };
}

/** The API's field errors that are not about one step (`name`, `steps`, …). */
export function pipelineErrors(fields) {
  return Object.fromEntries(Object.entries(fields || {}).filter(([key]) => !key.startsWith("steps[")));
}

/** The errors of step `index` by its own field name: `{ id, job, depends_on, step }`. */
export function stepErrors(fields, index) {
  const prefix = `steps[${index}]`;
  const out = {};
  for (const [key, message] of Object.entries(fields || {})) {
    if (key === prefix) out.step = message;
    else if (key.startsWith(`${prefix}.`)) out[key.slice(prefix.length + 1)] = message;
  }
  return out;
}
