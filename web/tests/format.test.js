// Pure formatting helpers of the UI.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { minuteTicks } from "../src/format.js";

describe("minuteTicks", () => {
  it("labels the first sample of every tenth minute once, and nothing else", () => {
    const labels = ["13:59:55", "14:00:00", "14:00:05", "14:05:00", "14:10:02", "14:10:07", "14:20:01"];
    assert.deepEqual(minuteTicks(labels), [null, "14:00", null, null, "14:10", null, "14:20"]);
  });

  it("never repeats a label, whatever the step", () => {
    const labels = Array.from({ length: 720 }, (_, i) => {
      const seconds = i * 5;
      const mm = String(Math.floor(seconds / 60) % 60).padStart(2, "0");
      return `10:${mm}:${String(seconds % 60).padStart(2, "0")}`;
    });
    const shown = minuteTicks(labels, 5).filter(Boolean);
    assert.equal(new Set(shown).size, shown.length);
    assert.equal(shown.length, 12);
  });
});
