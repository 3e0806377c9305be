// Follow one run's output (`GET /runs/{id}/output/stream`) with fetch, which sends the
// Authorization header as the logs view does; after a dropped connection it resumes from the
// last event's cursor (`?last_event_id=`), so no text is lost or shown twice.
import { onBeforeUnmount, ref, shallowRef } from "vue";
import { enc, openStream } from "../api.js";
import { OutputText, parseSse } from "../liveOutput.js";

/**
 * `start(runId)` follows a run from its first byte; `stop()` disconnects. `text` is an
 * OutputText; `version` changes when it grew. `status`: connecting, live, retrying, ended, stopped.
 */
export function useRunOutput() {
  const text = new OutputText();
  const version = ref(0);
  const status = ref("stopped");
  const problem = ref("");
  const end = shallowRef(null);
  let controller = null;
  let retryTimer = null;
  let delay = 1000;
  let lastId = null;
  let runId = null;
  let frame = null;

  function start(id) {
    stop();
    runId = id;
    lastId = null;
    text.clear();
    end.value = null;
    version.value++;
    connect();
  }

  async function connect() {
    const mine = new AbortController();
    controller = mine;
    status.value = lastId ? "retrying" : "connecting";
    try {
      const route = `/runs/${enc(runId)}/output/stream`;
      const response = await openStream(route, { query: { last_event_id: lastId }, signal: mine.signal });
      status.value = "live";
      problem.value = "";
      delay = 1000;
      await pump(response.body.getReader(), mine);
      if (!mine.signal.aborted && !end.value) retry("The server closed the stream.");
    } catch (err) {
      if (mine.signal.aborted) return;
      if (err.status === 401) return stop();
      if (err.status === 404 || err.status === 403) {
        status.value = "stopped";
        problem.value = err.message;
        return;
      }
      retry(err.message || "The stream failed.");
    }
  }

  async function pump(reader, mine) {
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      const [events, rest] = parseSse(buffer);
      buffer = rest;
      for (const event of events) {
        if (event.id !== null) lastId = event.id;
        let data;
        try {
          data = JSON.parse(event.data);
        } catch {
          continue;
        }
        if (event.event === "output") {
          text.append(data.stream, data.text || "");
          changed();
        } else if (event.event === "end") {
          end.value = data;
          status.value = "ended";
          mine.abort();
          return;
        }
      }
    }
  }

  // Many small chunks in one burst repaint once.
  function changed() {
    if (frame === null) {
      frame = requestAnimationFrame(() => {
        frame = null;
        version.value++;
      });
    }
  }

  function retry(message) {
    status.value = "retrying";
    problem.value = `${message} Reconnecting in ${Math.round(delay / 1000)} s…`;
    retryTimer = setTimeout(connect, delay);
    delay = Math.min(delay * 2, 30000);
  }

  function stop() {
    clearTimeout(retryTimer);
    controller?.abort();
    controller = null;
    if (status.value !== "ended") status.value = "stopped";
  }

  onBeforeUnmount(() => {
    stop();
    if (frame !== null) cancelAnimationFrame(frame);
  });
  return { text, version, status, problem, end, start, stop };
}
