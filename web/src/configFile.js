// What the settings page needs to know about configuration files, without the network: the
// format of a file, its name, and the summary of what an import creates, updates and deletes.

export const KINDS = ["jobs", "pipelines", "schedules", "webhooks"];
export const OUTCOMES = ["created", "updated", "deleted"];

/** YAML unless the file says JSON by its name or its first character. */
export function isYaml(fileName, text) {
  if (/\.json$/i.test(fileName)) return false;
  if (/\.ya?ml$/i.test(fileName)) return true;
  return !/^\s*[[{]/.test(text);
}

/**
 * An import's answer as rows `{ outcome, kind, items }` (each `{ id, name }`) with something in them, and the count
 * of changes (0 means the import would change nothing).
 */
export function summarize(answer) {
  const rows = [];
  for (const outcome of OUTCOMES) {
    for (const kind of KINDS) {
      const items = answer?.[outcome]?.[kind] || [];
      if (items.length) rows.push({ outcome, kind, items });
    }
  }
  return { rows, changes: rows.reduce((sum, row) => sum + row.items.length, 0) };
}

/** The file name the server proposes, or one made from the time and the format. */
export function fileNameOf(disposition, format, now = new Date()) {
  const match = /filename="?([^";]+)"?/i.exec(disposition || "");
  if (match) return match[1];
  const stamp = now.toISOString().slice(0, 19).replaceAll(/[-:]/g, "");
  return `orchestrator-config-${stamp}.${format}`;
}
