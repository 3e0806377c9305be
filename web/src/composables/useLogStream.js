// Follow GET /logs/stream with fetch and a ReadableStream: unlike EventSource, fetch can send
// the Authorization header, so the token never appears in a URL. Reconnects with a backoff.
import { onBeforeUnmount, ref } from "vue";
import { openStream } from "../api.js";

/** Split Server-Sent Events text into events; answers [events, the unfinished rest]. */
export function parseEvents(buffer) {
  const blocks = buffer.replaceAll("\r\n", "\n").split("\n\n");
  const rest = blocks.pop();
  const events = [];
  for (const block of blocks) {
    const data = block
      .split("\n")
      .filter((line) => line.startsWith("data:"))
      .map((line) => line.slice(5).replace(/^ /, ""));
    if (data.length) events.push(data.join("\n"));
  }
  return [events, rest];
}

/**
 * `onRecord(record)` gets each log record. `start(level)` (re)connects at that minimum level;
 * `stop()` disconnects. `status` is "connecting", "live", "retrying" or "stopped".
 */
export function useLogStream(onRecord) {
  const status = ref("stopped");
  const problem = ref("");
  let controller = null;
  let retryTimer = null;
  let delay = 1000;

  async function start(level) {
    stop();
    const mine = new AbortController();
    controller = mine;
    status.value = "connecting";
    try {
      const response = await openStream("/logs/stream", { query: { level }, signal: mine.signal });
      status.value = "live";
      problem.value = "";
      delay = 1000;
      await pump(response.body.getReader(), mine.signal);
      if (!mine.signal.aborted) retry(level, "The server closed the stream.");
    } catch (err) {
      if (mine.signal.aborted) return;
      if (err.status === 401) return stop(); // the session ended: api.js sends us to sign-in
      retry(level, err.message || "The stream failed.");
    }
  }

  async function pump(reader, signal) {
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done || signal.aborted) return;
      buffer += decoder.decode(value, { stream: true });
      const [events, rest] = parseEvents(buffer);
      buffer = rest;
      for (const data of events) {
        // A stream given up (another level chosen) delivers nothing more, even what it read.
        if (signal.aborted) return;
        try {
          onRecord(JSON.parse(data));
        } catch {
          // A record that is not JSON is not ours to show.
        }
      }
    }
  }

  function retry(level, message) {
    status.value = "retrying";
    problem.value = `${message} Reconnecting in ${Math.round(delay / 1000)} s…`;
    retryTimer = setTimeout(() => start(level), delay);
    delay = Math.min(delay * 2, 30000);
  }

  function stop() {
    clearTimeout(retryTimer);
    controller?.abort();
    controller = null;
    status.value = "stopped";
  }

  onBeforeUnmount(stop);
  return { status, problem, start, stop };
}
