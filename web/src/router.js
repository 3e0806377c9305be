// Client routes under /ui/ (history mode: the server answers index.html for each of them).
// Each route says who may see it; the guard loads the signed-in user once and checks.
import { createRouter, createWebHistory } from "vue-router";
import { endSession, hasToken, isAdmin, loadMe, session } from "./session.js";

const list = (kind, title, admin = false) => ({
  path: `/${kind}`,
  name: kind,
  component: () => import("./views/ResourceListView.vue"),
  props: { kind },
  meta: { title, admin },
});

const routes = [
  { path: "/signin", name: "signin", component: () => import("./views/SignInView.vue"),
    meta: { title: "Sign in", public: true } },
  { path: "/", name: "dashboard", component: () => import("./views/DashboardView.vue"),
    meta: { title: "Dashboard" } },
  { path: "/jobs", name: "jobs", component: () => import("./views/JobsView.vue"),
    meta: { title: "Jobs" } },
  { path: "/jobs/new", name: "job-new", component: () => import("./views/JobEditView.vue"),
    meta: { title: "New job", writer: true } },
  { path: "/jobs/:id", name: "job", component: () => import("./views/JobDetailView.vue"),
    props: true, meta: { title: "Job" } },
  { path: "/jobs/:id/edit", name: "job-edit", component: () => import("./views/JobEditView.vue"),
    props: true, meta: { title: "Edit job", writer: true } },
  { path: "/runs", name: "runs", component: () => import("./views/RunsView.vue"),
    meta: { title: "Runs" } },
  { path: "/runs/:id", name: "run", component: () => import("./views/RunDetailView.vue"),
    props: true, meta: { title: "Run" } },
  { path: "/logs", name: "logs", component: () => import("./views/LogsView.vue"),
    meta: { title: "Logs" } },
  list("pipelines", "Pipelines"),
  list("schedules", "Schedules"),
  list("contexts", "Contexts"),
  list("users", "Users", true),
  list("keys", "API keys", true),
  list("webhooks", "Webhooks", true),
  list("audit", "Audit", true),
  { path: "/settings", name: "settings", component: () => import("./views/SettingsView.vue"),
    meta: { title: "Settings", admin: true } },
  { path: "/:missing(.*)*", name: "missing", component: () => import("./views/MissingView.vue"),
    meta: { title: "Not found" } },
];

export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes,
  scrollBehavior: (to, from, saved) => saved || { top: 0 },
});

router.beforeEach(async (to) => {
  if (to.meta.public) return true;
  const signIn = { name: "signin", query: to.fullPath === "/" ? {} : { next: to.fullPath } };
  if (!hasToken()) return signIn;
  if (!session.user) {
    try {
      await loadMe();
    } catch (err) {
      if (err.status !== 401) endSession(err.message); // 401: api.js has ended it already
      return signIn;
    }
  }
  const role = session.user.role;
  if ((to.meta.admin && !isAdmin.value) || (to.meta.writer && role === "reader")) {
    return { name: "dashboard", query: { denied: to.meta.title } };
  }
  return true;
});

router.afterEach((to) => {
  document.title = `${to.meta.title || "Orchestrator"} · Orchestrator`;
});
