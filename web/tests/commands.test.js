// The command bar's language, checked without a browser: `npm test` (node's own test runner).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CommandError, complete, execute, parse, tokenize } from "../src/commands.js";

describe("tokenize", () => {
  it("splits on spaces and keeps quoted words whole", () => {
    assert.deepEqual(tokenize(`jobs list -q "nightly backup"  --tag 'a b'`), [
      "jobs", "list", "-q", "nightly backup", "--tag", "a b",
    ]);
  });

  it("refuses an unclosed quote", () => {
    assert.throws(() => tokenize('jobs get "half'), CommandError);
  });
});

describe("parse", () => {
  it("finds a two-word command with its argument and flag", () => {
    const parsed = parse("jobs run nightly --wait");
    assert.equal(parsed.name, "jobs run");
    assert.deepEqual(parsed.args, ["nightly"]);
    assert.deepEqual(parsed.options, { wait: true });
  });

  it("reads options with a separate or inline value", () => {
    assert.deepEqual(parse("runs list --state failed --limit=5").options, {
      state: "failed", limit: "5",
    });
  });

  it("names the group's commands when the second word is unknown", () => {
    assert.throws(() => parse("jobs launch x"), /jobs list, jobs get, jobs run/);
  });

  it("answers the usage when an argument is missing", () => {
    assert.throws(() => parse("jobs get"), /Usage: jobs get ID/);
  });

  it("refuses a log level that does not exist", () => {
    assert.throws(() => parse("log-level set loud"), /debug, info, warning, error/);
  });

  it("treats an empty line as nothing to do", () => {
    assert.equal(parse("   "), null);
  });
});

describe("complete", () => {
  const names = { job: ["nightly-backup", "nightly-report", "J7F98PKBG"] };

  it("completes the first word", () => {
    assert.deepEqual(complete("pip"), { line: "pipelines ", candidates: [] });
  });

  it("offers the group's commands after the first word", () => {
    assert.deepEqual(complete("log-level ").candidates, ["get", "set"]);
  });

  it("extends job names to their common prefix and lists them", () => {
    const answer = complete("jobs run nig", names);
    assert.equal(answer.line, "jobs run nightly-");
    assert.deepEqual(answer.candidates, ["nightly-backup", "nightly-report"]);
  });

  it("completes an ID whatever the case typed", () => {
    assert.equal(complete("jobs get j7", names).line, "jobs get J7F98PKBG ");
  });

  it("offers flags once the arguments are given", () => {
    assert.equal(complete("jobs run nightly-backup --w", names).line, "jobs run nightly-backup --wait ");
  });

  it("offers states after --state", () => {
    assert.ok(complete("runs list --state ").candidates.includes("timed_out"));
  });
});

describe("execute", () => {
  it("sends the run request with wait and shows the run's fields", async () => {
    const sent = [];
    const send = async (request) => {
      sent.push(request);
      return { id: "R1", state: "timed_out", duration: 1.5, exit_code: null };
    };
    const result = await execute("jobs run nightly --wait", send, "writer");
    assert.deepEqual(sent, [
      { method: "POST", path: "/jobs/nightly/run", query: { wait: "true" }, body: {} },
    ]);
    assert.equal(result.type, "fields");
    assert.deepEqual(result.rows.find(([key]) => key === "state"), ["state", "timed out"]);
  });

  it("shapes a list as a table with a summary", async () => {
    const send = async () => ({ items: [{ id: "J1", name: "a", state: "never_run", tags: ["x"] }], total: 3 });
    const result = await execute("jobs list --tag x", send, "reader");
    assert.equal(result.type, "table");
    assert.equal(result.rows[0][1], "a");
    assert.equal(result.rows[0][2], "never run");
    assert.equal(result.summary, "1 of 3 jobs");
  });

  it("refuses a writer's command to a reader before sending anything", async () => {
    const send = async () => assert.fail("nothing should be sent");
    await assert.rejects(execute("pipelines run p", send, "reader"), /needs the writer role/);
  });

  it("answers help without a request", async () => {
    const result = await execute("help", async () => assert.fail("no request"), "reader");
    assert.ok(result.rows.some(([usage]) => usage === "jobs run ID [--wait]"));
  });
});
