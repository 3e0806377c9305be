// The pure parts of export and import: the file's format, its name, and the summary of changes.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fileNameOf, isYaml, summarize } from "../src/configFile.js";

describe("isYaml", () => {
  it("believes the file's extension first", () => {
    assert.equal(isYaml("config.json", "jobs: []"), false);
    assert.equal(isYaml("config.YML", "{}"), true);
  });

  it("looks at the first character otherwise", () => {
    assert.equal(isYaml("export", '  {"jobs": []}'), false);
    assert.equal(isYaml("export", "format: orchestrator-config"), true);
  });
});

describe("summarize", () => {
  it("lists only the outcomes with something in them and counts the changes", () => {
    const a = { id: null, name: "a" };
    const b = { id: "J00000002", name: "b" };
    const p = { id: "P00000001", name: "p" };
    const answer = {
      created: { jobs: [a, b], pipelines: [], schedules: [], webhooks: [] },
      updated: { jobs: [], pipelines: [p], schedules: [], webhooks: [] },
      deleted: { jobs: [], pipelines: [], schedules: [], webhooks: [] },
      unchanged: { jobs: [{ id: "J00000003", name: "c" }] },
    };
    const { rows, changes } = summarize(answer);
    assert.deepEqual(rows, [
      { outcome: "created", kind: "jobs", items: [a, b] },
      { outcome: "updated", kind: "pipelines", items: [p] },
    ]);
    assert.equal(changes, 3);
  });

  it("says nothing changes for an empty answer", () => {
    assert.deepEqual(summarize({}), { rows: [], changes: 0 });
  });
});

describe("fileNameOf", () => {
  it("takes the server's name from Content-Disposition", () => {
    const header = 'attachment; filename="orchestrator-config-20261127T100000.yaml"';
    assert.equal(fileNameOf(header, "yaml"), "orchestrator-config-20261127T100000.yaml");
  });

  it("makes one from the time when the server gives none", () => {
    const now = new Date("2026-11-27T10:00:00Z");
    assert.equal(fileNameOf(null, "json", now), "orchestrator-config-20261127T100000.json");
  });
});
