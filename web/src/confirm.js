// One modal question at a time ("Delete job nightly?", "Run at which time?"), answered through
// a promise so an action reads top to bottom. ConfirmDialog.vue shows it.
import { reactive } from "vue";
import { notify } from "./notify.js";

export const question = reactive({
  open: false,
  title: "",
  message: "",
  confirm: "OK",
  danger: false,
  input: null, // { label, type, hint } when the question needs a value
  value: "",
  resolve: null,
});

/** Resolves to false when cancelled, to true when confirmed, or to the value typed. */
export function ask(options) {
  question.resolve?.(false);
  return new Promise((resolve) => {
    Object.assign(question, {
      title: "",
      message: "",
      confirm: "OK",
      danger: false,
      input: null,
      value: "",
      ...options,
      open: true,
      resolve,
    });
  });
}

export function answer(confirmed) {
  const resolve = question.resolve;
  question.open = false;
  question.resolve = null;
  resolve?.(confirmed ? (question.input ? question.value : true) : false);
}

/**
 * Ask a dangerous question; when confirmed, run `action` and tell how it went (its result, or
 * its error, as a notice). Resolves to true when the action ran and succeeded.
 */
export async function confirmThen(options, action, done) {
  if (!(await ask({ danger: true, ...options }))) return false;
  try {
    await action();
    notify(done);
    return true;
  } catch (err) {
    notify(err.message, "error");
    return false;
  }
}
