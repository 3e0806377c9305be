// The UI is built into the Python package, which serves it under /ui/ (gateway/webui.py).
import tailwindcss from "@tailwindcss/vite";
import vue from "@vitejs/plugin-vue";
import { defineConfig } from "vite";

// `npm run dev` proxies the API to a server started with --port 8080 (override with ORCH_URL).
const server = process.env.ORCH_URL || "http://127.0.0.1:8080";
const apiPaths = [
  "/auth", "/me", "/jobs", "/pipelines", "/schedules", "/runs", "/contexts", "/logs",
  "/system", "/users", "/keys", "/audit", "/webhooks", "/metrics", "/version", "/health", "/config",
];

export default defineConfig({
  base: "/ui/",
  plugins: [vue(), tailwindcss()],
  build: {
    outDir: "../orchestrator/gateway/static/ui",
    emptyOutDir: true,
    chunkSizeWarningLimit: 400,
  },
  server: {
    proxy: Object.fromEntries(apiPaths.map((path) => [path, server])),
  },
});
