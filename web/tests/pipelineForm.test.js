// The pipeline form's model: steps by key, so renames and removals keep the dependencies right.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  addStep, emptyPipeline, isDefaultId, moveStep, removeStep, stepErrors, pipelineErrors, toBody,
  toForm, uniqueId,
} from "../src/pipelineForm.js";

const PIPELINE = {
  name: "etl", description: "", tags: ["nightly", "data"], on_failure: "continue",
  max_attempts: 2, max_concurrent: 1, enabled: true,
  steps: [
    { id: "extract", job: "J1", depends_on: [] },
    { id: "transform", job: "J2", depends_on: ["extract"] },
    { id: "load", job: "J3", depends_on: ["transform", "extract"] },
  ],
};

describe("toForm and toBody", () => {
  it("give back the API's pipeline unchanged", () => {
    const body = toBody(toForm(PIPELINE));
    assert.deepEqual(body.steps, PIPELINE.steps);
    assert.deepEqual(body.tags, ["nightly", "data"]);
    assert.equal(body.on_failure, "continue");
    assert.equal(body.max_attempts, 2);
  });

  it("keeps dependencies when a step is renamed", () => {
    const form = toForm(PIPELINE);
    form.steps[0].id = "fetch";
    assert.deepEqual(toBody(form).steps[2].depends_on, ["transform", "fetch"]);
  });

  it("drops dependencies on a removed step", () => {
    const form = toForm(PIPELINE);
    removeStep(form.steps, 1);
    assert.deepEqual(toBody(form).steps.map((s) => s.depends_on), [[], ["extract"]]);
  });

  it("leaves an empty number to the server's default", () => {
    const form = { ...emptyPipeline(), name: " p ", max_attempts: "" };
    const body = toBody(form);
    assert.equal(body.name, "p");
    assert.equal(body.max_attempts, undefined);
  });
});

describe("adding and moving steps", () => {
  it("adds a step after the last one with a free id", () => {
    const steps = [];
    addStep(steps);
    addStep(steps);
    assert.deepEqual(steps.map((s) => s.id), ["step", "step-2"]);
    assert.deepEqual(steps[1].depends_on, [steps[0].key]);
    assert.ok(isDefaultId(steps[1].id));
  });

  it("finds a free id from a job name, ignoring the step itself", () => {
    const steps = toForm(PIPELINE).steps;
    assert.equal(uniqueId(steps, "extract"), "extract-2");
    assert.equal(uniqueId(steps, "extract", steps[0].key), "extract");
    assert.equal(uniqueId(steps, "daily report!"), "daily-report");
  });

  it("moves a step within the list and not beyond it", () => {
    const steps = toForm(PIPELINE).steps;
    moveStep(steps, 2, -1);
    assert.deepEqual(steps.map((s) => s.id), ["extract", "load", "transform"]);
    moveStep(steps, 0, -1);
    assert.equal(steps[0].id, "extract");
  });
});

describe("errors", () => {
  const fields = { name: "is required", "steps[1].job": "no job", "steps[1]": "bad", steps: "cycle" };

  it("separates the pipeline's errors from each step's", () => {
    assert.deepEqual(pipelineErrors(fields), { name: "is required", steps: "cycle" });
    assert.deepEqual(stepErrors(fields, 1), { job: "no job", step: "bad" });
    assert.deepEqual(stepErrors(fields, 0), {});
  });
});
