// Short messages after an action ("Run R… started"), shown by Notices.vue in a live region.
import { reactive } from "vue";

export const notices = reactive([]);
let counter = 0;

/** Show `text` for a few seconds; `kind` is "ok" or "error"; `link` is an optional route. */
export function notify(text, kind = "ok", link = null) {
  const id = ++counter;
  notices.push({ id, text, kind, link });
  setTimeout(() => dismiss(id), kind === "error" ? 10000 : 6000);
}

export function dismiss(id) {
  const at = notices.findIndex((notice) => notice.id === id);
  if (at >= 0) notices.splice(at, 1);
}
