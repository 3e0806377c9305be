// The layered layout behind the pipeline drawing: columns by dependency depth, edges between them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { depths, GAPS, layoutDag, NODE } from "../src/dagLayout.js";

const ETL = [
  { id: "extract", depends_on: [] },
  { id: "transform", depends_on: ["extract"] },
  { id: "load", depends_on: ["transform"] },
  { id: "report", depends_on: ["load"] },
  { id: "notify", depends_on: ["load"] },
  { id: "cleanup", depends_on: ["report", "notify"] },
];

describe("depths", () => {
  it("puts each step one column after the deepest step it needs", () => {
    const depth = depths([...ETL, { id: "late", depends_on: ["extract", "cleanup"] }]);
    assert.deepEqual(Object.fromEntries(depth), {
      extract: 0, transform: 1, load: 2, report: 3, notify: 3, cleanup: 4, late: 5,
    });
  });

  it("survives a cycle and unknown dependencies", () => {
    const depth = depths([
      { id: "a", depends_on: ["b"] }, { id: "b", depends_on: ["a", "ghost"] },
    ]);
    assert.equal(depth.size, 2);
    assert.ok([...depth.values()].every((d) => Number.isFinite(d) && d >= 0));
  });
});

describe("layoutDag", () => {
  it("draws one edge per dependency, from left to right", () => {
    const { nodes, edges } = layoutDag(ETL);
    assert.equal(edges.length, 6);
    const x = Object.fromEntries(nodes.map((n) => [n.id, n.x]));
    for (const edge of edges) assert.ok(x[edge.from] < x[edge.to], `${edge.from} → ${edge.to}`);
    assert.match(edges[0].path, /^M[\d.]+,[\d.]+ C/);
  });

  it("stacks steps of the same depth in one column without overlap", () => {
    const { nodes, height, width } = layoutDag(ETL);
    const [report, notify] = ["report", "notify"].map((id) => nodes.find((n) => n.id === id));
    assert.equal(report.x, notify.x);
    const gap = GAPS.right;
    assert.ok(Math.abs(report.y - notify.y) >= NODE.height + gap.step);
    assert.equal(width, 5 * NODE.width + 4 * gap.layer + 2 * NODE.margin);
    assert.equal(height, 2 * NODE.height + gap.step + 2 * NODE.margin);
  });

  it("orders a column by where the dependencies sit", () => {
    const { nodes } = layoutDag([
      { id: "top", depends_on: [] }, { id: "bottom", depends_on: [] },
      { id: "after-bottom", depends_on: ["bottom"] }, { id: "after-top", depends_on: ["top"] },
    ]);
    const y = Object.fromEntries(nodes.map((n) => [n.id, n.y]));
    assert.ok(y["after-top"] < y["after-bottom"]);
  });

  it("flows top down when asked, edges going from bottom to top", () => {
    const { nodes, edges, width, height } = layoutDag(ETL, "down");
    const y = Object.fromEntries(nodes.map((n) => [n.id, n.y]));
    for (const edge of edges) assert.ok(y[edge.from] < y[edge.to], `${edge.from} → ${edge.to}`);
    assert.equal(width, 2 * NODE.width + GAPS.down.step + 2 * NODE.margin);
    assert.equal(height, 5 * NODE.height + 4 * GAPS.down.layer + 2 * NODE.margin);
    assert.ok(width < layoutDag(ETL).width);
  });

  it("keeps the step fields and draws nothing for an empty pipeline", () => {
    const { nodes } = layoutDag([{ id: "only", job_name: "backup" }]);
    assert.equal(nodes[0].job_name, "backup");
    assert.deepEqual(layoutDag([]).nodes, []);
  });
});
