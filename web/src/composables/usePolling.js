// Load data now and again every few seconds while the tab is visible; stop when it is hidden or
// the component goes away, so a forgotten tab costs the server nothing.
import { onBeforeUnmount, onMounted, ref, toValue } from "vue";

/**
 * `load` is an async function; `interval` is milliseconds (a number, ref or getter, read after
 * each load so a view can poll faster while a run is going). Answers `{ loading, error, refresh }`.
 */
export function usePolling(load, interval = 10000) {
  const loading = ref(false);
  const error = ref(null);
  let timer = null;
  let stopped = false;
  let generation = 0;

  async function refresh() {
    clearTimeout(timer);
    const mine = ++generation;
    loading.value = true;
    try {
      await load();
      error.value = null;
    } catch (err) {
      error.value = err;
    } finally {
      if (mine === generation) {
        loading.value = false;
        schedule();
      }
    }
  }

  function schedule() {
    clearTimeout(timer);
    const wait = toValue(interval);
    if (!stopped && wait > 0 && document.visibilityState === "visible") {
      timer = setTimeout(refresh, wait);
    }
  }

  function onVisibility() {
    if (document.visibilityState === "visible") refresh();
    else clearTimeout(timer);
  }

  onMounted(() => {
    document.addEventListener("visibilitychange", onVisibility);
    refresh();
  });
  onBeforeUnmount(() => {
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener("visibilitychange", onVisibility);
  });

  return { loading, error, refresh };
}
