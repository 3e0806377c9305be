// Configuration export and import for the settings page: download the definitions as a file and
// send a file back (a dry run first).
import { fetchFile, request } from "./api.js";
import { fileNameOf, isYaml } from "./configFile.js";

export { KINDS, OUTCOMES, summarize } from "./configFile.js";

/** Fetch the export and hand it to the browser as a download. */
export async function downloadExport(format, includeSecrets) {
  const query = { format, include_secrets: includeSecrets ? "true" : undefined };
  const response = await fetchFile("/config/export", query);
  const blob = await response.blob();
  const name = fileNameOf(response.headers.get("Content-Disposition"), format);
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  return name;
}

/** Send a document to POST /config/import; resolves to the answer or throws an ApiError. */
export function importDocument(file, text, { mode, dryRun }) {
  return request("POST", "/config/import", {
    raw: text,
    contentType: isYaml(file, text) ? "application/yaml" : "application/json",
    query: { mode, dry_run: dryRun ? "true" : undefined },
  });
}
