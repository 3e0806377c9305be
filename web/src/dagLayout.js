// Where each step of a pipeline goes in its drawing: a layered layout, left to right or top down,
// where a step's layer is its dependency depth (the longest chain of steps before it) and the
// order in a layer follows the steps it depends on, so edges cross as little as a single pass
// allows. Pure, so `npm test` checks it; DagGraph.vue draws what it answers.

export const NODE = { width: 184, height: 64, margin: 8 };
// Gaps between layers (along the flow) and between steps of one layer, for each direction.
export const GAPS = { right: { layer: 64, step: 18 }, down: { layer: 44, step: 18 } };

/**
 * Depth of each step: 0 for roots, else 1 + the deepest step it depends on. Unknown
 * dependencies are ignored and a cycle is cut where it closes, so a half-typed form still draws.
 */
export function depths(steps) {
  const byId = new Map(steps.map((step) => [step.id, step]));
  const depth = new Map();
  const visiting = new Set();
  const visit = (id) => {
    if (depth.has(id)) return depth.get(id);
    if (visiting.has(id)) return -1; // the cycle closes here
    visiting.add(id);
    const deps = (byId.get(id).depends_on || []).filter((dep) => byId.has(dep));
    const value = deps.reduce((deepest, dep) => Math.max(deepest, visit(dep) + 1), 0);
    visiting.delete(id);
    depth.set(id, value);
    return value;
  };
  for (const step of steps) visit(step.id);
  return depth;
}

/** Columns of step ids; each column after the first sorted by where its dependencies sit. */
function columns(steps, depth) {
  const cols = [];
  for (const step of steps) (cols[depth.get(step.id)] ||= []).push(step.id);
  const row = new Map();
  const byId = new Map(steps.map((step) => [step.id, step]));
  cols.forEach((col, index) => {
    if (index > 0) {
      const weight = (id) => {
        const placed = (byId.get(id).depends_on || []).filter((dep) => row.has(dep));
        if (!placed.length) return Infinity;
        return placed.reduce((sum, dep) => sum + row.get(dep), 0) / placed.length;
      };
      const weights = new Map(col.map((id) => [id, weight(id)]));
      col.sort((a, b) => weights.get(a) - weights.get(b)); // stable: ties keep the steps' order
    }
    col.forEach((id, at) => row.set(id, at - (col.length - 1) / 2));
  });
  return cols.map((col) => col || []);
}

/** A curve from the side of one node to the facing side of the next (right→left or bottom→top). */
function edgePath(from, to, direction) {
  if (direction === "down") {
    const [x1, y1] = [from.x + NODE.width / 2, from.y + NODE.height];
    const [x2, y2] = [to.x + NODE.width / 2, to.y];
    const bend = Math.max(16, (y2 - y1) / 2);
    return `M${x1},${y1} C${x1},${y1 + bend} ${x2},${y2 - bend} ${x2},${y2}`;
  }
  const [x1, y1] = [from.x + NODE.width, from.y + NODE.height / 2];
  const [x2, y2] = [to.x, to.y + NODE.height / 2];
  const bend = Math.max(24, (x2 - x1) / 2);
  return `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`;
}

/**
 * Lay out `steps` ([{ id, depends_on }], other fields kept) flowing "right" or "down". Answers
 * `{ nodes, edges, width, height, direction }`: nodes are the steps with `x`, `y`, `layer`; edges
 * `{ from, to, path }`, in pixels.
 */
export function layoutDag(steps, direction = "right") {
  const unique = [...new Map(steps.map((step) => [step.id, step])).values()];
  const layers = columns(unique, depths(unique));
  const gap = GAPS[direction];
  const [along, across] = direction === "down" ? [NODE.height, NODE.width] : [NODE.width, NODE.height];
  const widest = Math.max(1, ...layers.map((layer) => layer.length));
  const span = (count, size, between) => Math.max(0, count * (size + between) - between) + 2 * NODE.margin;
  const place = new Map();
  layers.forEach((layer, index) => {
    const start = NODE.margin + ((widest - layer.length) * (across + gap.step)) / 2;
    layer.forEach((id, row) => {
      const main = NODE.margin + index * (along + gap.layer);
      const cross = start + row * (across + gap.step);
      place.set(id, direction === "down" ? { layer: index, x: cross, y: main } : { layer: index, x: main, y: cross });
    });
  });
  const nodes = unique.map((s) => ({ ...s, ...place.get(s.id) }));
  const at = new Map(nodes.map((node) => [node.id, node]));
  const edges = [];
  for (const node of nodes) {
    for (const dep of new Set(node.depends_on || [])) {
      const from = at.get(dep);
      // An edge that goes backwards belongs to a cycle the form is about to report.
      if (from && from.layer < node.layer) {
        edges.push({ from: dep, to: node.id, path: edgePath(from, node, direction) });
      }
    }
  }
  const length = span(layers.length, along, gap.layer);
  const breadth = span(widest, across, gap.step);
  const [width, height] = direction === "down" ? [breadth, length] : [length, breadth];
  return { nodes, edges, width, height, direction };
}
