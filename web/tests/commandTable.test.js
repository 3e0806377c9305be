// The command bar's run, context, schedule and navigation commands, checked without a browser.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { complete, execute, parse } from "../src/commands.js";

/** A `send` that records each request and answers `reply`. */
function recorder(reply) {
  const sent = [];
  const send = async (request) => {
    sent.push(request);
    return reply;
  };
  return { sent, send };
}

describe("run commands", () => {
  it("cancels and retries as a writer with a POST on the run", async () => {
    const { sent, send } = recorder({ id: "R2", state: "queued", trigger: { type: "retry", by: "R1" } });
    await execute("runs cancel R1", send, "writer");
    const result = await execute("runs retry R1", send, "admin");
    assert.deepEqual(sent.map((r) => [r.method, r.path]), [
      ["POST", "/runs/R1/cancel"], ["POST", "/runs/R1/retry"],
    ]);
    assert.deepEqual(result.rows.find(([key]) => key === "trigger"), ["trigger", "retry by R1"]);
  });

  it("refuses a reader's cancel before sending", async () => {
    await assert.rejects(execute("runs cancel R1", async () => assert.fail("sent"), "reader"),
      /needs the writer role/);
  });

  it("shows a run's output as preformatted text with its standard error", async () => {
    const { sent, send } = recorder({ stdout: "hello\n", stderr: "oops", truncated: true });
    const result = await execute("runs output R9", send, "reader");
    assert.equal(sent[0].path, "/runs/R9/output");
    assert.equal(result.type, "pre");
    assert.match(result.text, /^hello\n[\s\S]*standard error[\s\S]*oops[\s\S]*cut/);
  });
});

describe("context, schedule and pipeline commands", () => {
  it("resets a context as a writer", async () => {
    const { sent, send } = recorder({ owner_name: "backup", content: "" });
    const result = await execute("contexts reset backup", send, "writer");
    assert.deepEqual(sent[0], { method: "POST", path: "/contexts/backup/reset" });
    assert.match(result.text, /backup is now empty/);
  });

  it("triggers a schedule and names the runs and the skipped targets", async () => {
    const run = { id: "R1", kind: "job", owner_name: "extract", state: "queued" };
    const reply = { runs: [run], skipped: [{ target: "J9", reason: "it is disabled" }] };
    const { sent, send } = recorder(reply);
    const result = await execute('schedules trigger "every 5"', send, "writer");
    assert.equal(sent[0].path, "/schedules/every%205/trigger");
    assert.equal(result.rows[0][2], "extract");
    assert.equal(result.summary, "every 5 started 1 run; skipped J9 (it is disabled).");
  });

  it("shows a pipeline's steps with their dependencies", async () => {
    const steps = [
      { id: "a", job: "J1", job_name: "extract", depends_on: [] },
      { id: "b", job: "J2", job_name: "load", depends_on: ["a"] },
    ];
    const { send } = recorder({ id: "P1", name: "etl", state: "never_run", steps });
    const result = await execute("pipelines get etl", send, "reader");
    const [, text] = result.rows.find(([key]) => key === "steps");
    assert.equal(text, "a (job extract)\nb (job load) after a");
  });
});

describe("navigation", () => {
  it("opens a page by its word without a request", async () => {
    const result = await execute("go Schedules", async () => assert.fail("no request"), "reader");
    assert.deepEqual(result, { type: "navigate", to: "/schedules" });
  });

  it("refuses a page that does not exist and completes the known ones", () => {
    assert.throws(() => parse("go nowhere"), /PAGE must be one of dashboard, jobs/);
    assert.deepEqual(complete("go pi"), { line: "go pipelines ", candidates: [] });
  });

  it("completes schedule names after schedules trigger", () => {
    const answer = complete("schedules trigger ni", { schedule: ["nightly", "S1"] });
    assert.equal(answer.line, "schedules trigger nightly ");
  });
});

describe("help", () => {
  it("lists every command, the new ones included", async () => {
    const result = await execute("help", async () => null, "reader");
    const usages = result.rows.map(([usage]) => usage);
    for (const usage of ["runs cancel ID", "runs retry ID", "runs output ID", "contexts reset ID",
      "schedules trigger NAME", "pipelines get ID", "go PAGE"]) {
      assert.ok(usages.includes(usage), usage);
    }
    assert.ok(result.rows.every(([, text]) => typeof text === "string" && text.length > 0));
  });
});
