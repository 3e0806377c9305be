// Saving a job, pipeline or schedule from its edit form: POST a new one or PUT over the old,
// then open it; the API's refusal lands beside the fields and in the message above the form.
import { nextTick, ref } from "vue";
import { useRouter } from "vue-router";
import { api, enc } from "../api.js";
import { notify } from "../notify.js";

// Take the keyboard to the first field the server refused, or else to the message.
const focusFirstError = () =>
  (document.querySelector('form [aria-invalid="true"]') || document.getElementById("save-error"))?.focus();

/**
 * `kind` is "job", "pipeline" or "schedule"; `id()` answers the ID, empty for a new one. `focusError` runs
 * once a refusal is on the page. Answers `{ errors, failure, busy, save }`, where
 * `save(makeBody)` calls `makeBody()` for `[body, localErrors]` and sends nothing if any.
 */
export function useDefinitionSave(kind, id, focusError = focusFirstError) {
  const router = useRouter();
  const errors = ref({});
  const failure = ref("");
  const busy = ref(false);

  async function save(makeBody) {
    errors.value = {};
    failure.value = "";
    busy.value = true;
    try {
      const [body, local = {}] = makeBody();
      if (Object.keys(local).length) {
        errors.value = local;
        return;
      }
      const current = id();
      const saved = current
        ? await api.put(`/${kind}s/${enc(current)}`, body)
        : await api.post(`/${kind}s`, body);
      notify(`Saved ${kind} ${saved.name}.`);
      router.push(`/${kind}s/${saved.id}`);
    } catch (err) {
      errors.value = err.fields || {};
      failure.value = err.message;
      await nextTick();
      focusError();
    } finally {
      busy.value = false;
    }
  }
  return { errors, failure, busy, save };
}
