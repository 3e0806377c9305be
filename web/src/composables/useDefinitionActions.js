// What a detail view does after an action on its job, pipeline or schedule: a deleted one sends
// the reader back to the list, a copy opens the copy, anything else loads the page again.
import { useRouter } from "vue-router";
import * as actions from "../actions.js";

/**
 * `kind` is "job", "pipeline" or "schedule"; `item` is the ref holding the definition shown;
 * `refresh`, when given, runs after any other action that did something.
 * Answers `act(name)`, for the names in actions.js.
 */
export function useDefinitionActions(kind, item, refresh = null) {
  const router = useRouter();
  return async function act(name) {
    const done = await actions[name](kind, item.value);
    if (name === "remove" && done) router.push(`/${kind}s`);
    else if (name === "copy" && done) router.push(`/${kind}s/${done.id}`);
    else if (done && refresh) refresh();
  };
}
