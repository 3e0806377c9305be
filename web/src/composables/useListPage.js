// A list page's data: the first page of `path` with the filters, "load more" with the cursor,
// polling while the tab is visible, and the filters kept in the address so a link reopens them.
import { computed, ref, watch } from "vue";
import { useRoute, useRouter } from "vue-router";
import { api } from "../api.js";
import { usePolling } from "./usePolling.js";

const filled = (object) => Object.fromEntries(Object.entries(object).filter(([, v]) => v !== ""));

/**
 * `defaults` names the filters and their empty values; the address's query fills them.
 * `interval` is milliseconds, or a function of the items shown that answers them.
 * Answers `{ filters, items, total, cursor, loaded, error, refresh, more, summary }`.
 */
export function useListPage(path, defaults = {}, { limit = 100, interval = 10000 } = {}) {
  const route = useRoute();
  const router = useRouter();
  const filters = ref(
    Object.fromEntries(Object.keys(defaults).map((key) => [key, String(route.query[key] ?? defaults[key])])),
  );
  const items = ref([]);
  const total = ref(0);
  const cursor = ref(null);
  const loaded = ref(false);

  async function load() {
    const page = await api.get(path, { ...filled(filters.value), limit });
    items.value = page.items;
    total.value = page.total;
    cursor.value = page.next_cursor;
    loaded.value = true;
  }

  async function more() {
    const page = await api.get(path, { ...filled(filters.value), limit, cursor: cursor.value });
    items.value.push(...page.items);
    cursor.value = page.next_cursor;
  }

  const every = typeof interval === "function" ? () => interval(items.value) : interval;
  const { error, refresh } = usePolling(load, every);
  let typing = null;
  watch(
    filters,
    (value) => {
      clearTimeout(typing);
      typing = setTimeout(() => {
        router.replace({ query: filled(value) });
        refresh();
      }, 250);
    },
    { deep: true },
  );

  const summary = computed(() =>
    total.value === items.value.length ? `${total.value}` : `${items.value.length} of ${total.value}`,
  );
  return { filters, items, total, cursor, loaded, error, refresh, more, summary };
}
