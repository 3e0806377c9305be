// Start the UI: styles, router, and what happens when the server refuses the token.
import { createApp } from "vue";
import App from "./App.vue";
import { whenUnauthorized } from "./api.js";
import { router } from "./router.js";
import { endSession } from "./session.js";
import "./style.css";

whenUnauthorized(() => {
  endSession("Your session has expired or was revoked; please sign in again.");
  const here = router.currentRoute.value;
  // Before the first page is shown, the router's guard is the one that sends to sign-in.
  if (here.matched.length && !here.meta.public) {
    router.replace({ name: "signin", query: { next: here.fullPath } });
  }
});

createApp(App).use(router).mount("#app");
