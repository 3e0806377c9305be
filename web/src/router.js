// Client routes under /ui/ (history mode: the server answers index.html for each of them).
// Each route says who may see it; the guard loads the signed-in user once and checks.
import { createRouter, createWebHistory } from "vue-router";
import { endSession, hasToken, isAdmin, loadMe, session } from "./session.js";

const views = import.meta.glob("./views/*.vue");

/** A route to `views/<view>.vue`; `who` is "writer" or "admin" when the page needs that role. */
const page = (path, name, view, title, who = null) => ({
  path,
  name,
  component: views[`./views/${view}.vue`],
  props: path.includes(":id"),
  meta: { title, writer: who === "writer", admin: who === "admin" },
});

const routes = [
  { ...page("/signin", "signin", "SignInView", "Sign in"), meta: { title: "Sign in", public: true } },
  page("/", "dashboard", "DashboardView", "Dashboard"),
  page("/jobs", "jobs", "JobsView", "Jobs"),
  page("/jobs/new", "job-new", "JobEditView", "New job", "writer"),
  page("/jobs/:id", "job", "JobDetailView", "Job"),
  page("/jobs/:id/edit", "job-edit", "JobEditView", "Edit job", "writer"),
  page("/pipelines", "pipelines", "PipelinesView", "Pipelines"),
  page("/pipelines/new", "pipeline-new", "PipelineEditView", "New pipeline", "writer"),
  page("/pipelines/:id", "pipeline", "PipelineDetailView", "Pipeline"),
  page("/pipelines/:id/edit", "pipeline-edit", "PipelineEditView", "Edit pipeline", "writer"),
  page("/schedules", "schedules", "SchedulesView", "Schedules"),
  page("/schedules/new", "schedule-new", "ScheduleEditView", "New schedule", "writer"),
  page("/schedules/:id", "schedule", "ScheduleDetailView", "Schedule"),
  page("/schedules/:id/edit", "schedule-edit", "ScheduleEditView", "Edit schedule", "writer"),
  page("/runs", "runs", "RunsView", "Runs"),
  page("/runs/:id", "run", "RunDetailView", "Run"),
  page("/contexts", "contexts", "ContextsView", "Contexts"),
  page("/contexts/:id", "context", "ContextDetailView", "Context"),
  page("/logs", "logs", "LogsView", "Logs"),
  page("/keys", "keys", "KeysView", "API keys"),
  page("/users", "users", "UsersView", "Users", "admin"),
  page("/webhooks", "webhooks", "WebhooksView", "Webhooks", "admin"),
  page("/webhooks/new", "webhook-new", "WebhookView", "New webhook", "admin"),
  page("/webhooks/:id", "webhook", "WebhookView", "Webhook", "admin"),
  page("/audit", "audit", "AuditView", "Audit", "admin"),
  page("/settings", "settings", "SettingsView", "Settings", "admin"),
  page("/:missing(.*)*", "missing", "MissingView", "Not found"),
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
