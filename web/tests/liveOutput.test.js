// The live output's pieces without a browser: events with names and cursors, the three views,
// search, ANSI colours as classes (no inline style, which the CSP forbids), and the timeline.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ansiToHtml, stripAnsi } from "../src/ansi.js";
import { matchingLines, OutputText, parseSse } from "../src/liveOutput.js";
import { layoutTimeline, shortDuration } from "../src/timeline.js";

describe("parseSse", () => {
  it("reads event names, cursors and data, skips keep-alives, keeps the unfinished rest", () => {
    const text = ": keep-alive\n\nevent: output\nid: o3.e0\ndata: {\"text\":\"ab\"}\n\nevent: end\nda";
    const [events, rest] = parseSse(text);
    assert.deepEqual(events, [{ event: "output", id: "o3.e0", data: "{\"text\":\"ab\"}" }]);
    assert.equal(rest, "event: end\nda");
  });
});

describe("OutputText", () => {
  it("keeps stdout, stderr and both in the order written", () => {
    const text = new OutputText();
    text.append("stdout", "a\n");
    text.append("stderr", "e\n");
    text.append("stdout", "b\n");
    assert.deepEqual([text.view("stdout"), text.view("stderr"), text.view("both")], ["a\nb\n", "e\n", "a\ne\nb\n"]);
  });
});

describe("matchingLines", () => {
  it("keeps the lines whose readable text matches, in any case", () => {
    const found = matchingLines("one\n\u001b[31mTWO\u001b[0m\nthree\n", "two");
    assert.deepEqual(found, { lines: ["\u001b[31mTWO\u001b[0m"], total: 3 });
  });
});

describe("ansiToHtml", () => {
  it("draws colours and bold with classes, escapes HTML, writes no style attribute", () => {
    const html = ansiToHtml("\u001b[1;31m<b>red</b>\u001b[0m");
    assert.match(html, /class="[^"]*ansi-red-fg[^"]*ansi-bold/);
    assert.match(html, /&lt;b&gt;red&lt;\/b&gt;/);
    assert.doesNotMatch(html, /style=/);
    assert.equal(stripAnsi("\u001b[32mok\u001b[0m"), "ok");
  });
});

describe("layoutTimeline", () => {
  it("places each step on the run's time axis; a step not started has no bar", () => {
    const steps = [
      { id: "a", state: "succeeded", started_at: "2026-01-01T00:00:00Z", finished_at: "2026-01-01T00:00:05Z" },
      { id: "b", state: "running", started_at: "2026-01-01T00:00:05Z", finished_at: null },
      { id: "c", state: "pending", started_at: null, finished_at: null },
    ];
    const now = Date.parse("2026-01-01T00:00:10Z");
    const { bars, span } = layoutTimeline(steps, "2026-01-01T00:00:00Z", null, now);
    assert.equal(span, 10);
    assert.deepEqual(bars.map((b) => [b.left, b.width, b.waiting]), [[0, 50, false], [50, 50, false], [0, 0, true]]);
    assert.equal(shortDuration(125), "2 min 5 s");
  });
});
