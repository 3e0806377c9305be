// The text of a run's output as it streams in (`GET /runs/{id}/output/stream`, LIVE_CONTRACT):
// parsing Server-Sent Events with their names and cursors, keeping stdout, stderr and both in the
// order written, and searching lines. No Vue here, so node's test runner checks it.
import { stripAnsi } from "./ansi.js";

/** Split Server-Sent Events text into `{ event, id, data }`; answers [events, the rest]. */
export function parseSse(buffer) {
  const blocks = buffer.replaceAll("\r\n", "\n").split("\n\n");
  const rest = blocks.pop();
  const events = [];
  for (const block of blocks) {
    const found = { event: "message", id: null, data: [] };
    for (const line of block.split("\n")) {
      if (!line || line.startsWith(":")) continue; // a keep-alive comment
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") found.event = value;
      else if (field === "id") found.id = value;
      else if (field === "data") found.data.push(value);
    }
    if (found.data.length) events.push({ ...found, data: found.data.join("\n") });
  }
  return [events, rest];
}

/** Output kept per stream and interleaved, as it arrives. */
export class OutputText {
  constructor() {
    this.clear();
  }

  clear() {
    this.stdout = "";
    this.stderr = "";
    this.both = "";
  }

  append(stream, text) {
    if (stream === "stderr") this.stderr += text;
    else this.stdout += text;
    this.both += text;
  }

  /** The text shown for a choice of "both", "stdout" or "stderr". */
  view(which) {
    return which === "stdout" ? this.stdout : which === "stderr" ? this.stderr : this.both;
  }
}

/** The lines of `text` whose readable part contains `query` (any case); with their count. */
export function matchingLines(text, query) {
  const needle = query.trim().toLowerCase();
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  if (!needle) return { lines, total: lines.length };
  const kept = lines.filter((line) => stripAnsi(line).toLowerCase().includes(needle));
  return { lines: kept, total: lines.length };
}
