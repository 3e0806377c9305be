// The one place that talks to the server: it owns fetch, the token, and API.md's error envelope,
// so views only see data or an ApiError with a message written for a person.

const TOKEN_KEY = "orchestrator.token";
// The API is served at the root and the UI under /ui/: strip the UI's part of the base.
export const API_BASE = import.meta.env.BASE_URL.replace(/ui\/$/, "");
export const enc = encodeURIComponent;

let unauthorizedHandler = () => {};

export class ApiError extends Error {
  constructor(status, code, message, details = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
    this.fields = details.fields || {};
  }
}

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY) || localStorage.getItem(TOKEN_KEY);
}

export function setToken(token, remember = false) {
  clearToken();
  (remember ? localStorage : sessionStorage).setItem(TOKEN_KEY, token);
}

export function clearToken() {
  sessionStorage.removeItem(TOKEN_KEY);
  localStorage.removeItem(TOKEN_KEY);
}

/** Called once with the ApiError when the server refuses the token (expired or revoked). */
export function whenUnauthorized(handler) {
  unauthorizedHandler = handler;
}

export function urlFor(path, query) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return API_BASE + path.replace(/^\//, "") + (text ? `?${text}` : "");
}

// `raw` sends text as it is (a YAML document) with its own `contentType`; `body` is sent as JSON.
async function send(method, path, options = {}) {
  const { body, raw, contentType, query, signal, auth = true, accept } = options;
  const headers = { Accept: accept || "application/json" };
  const token = getToken();
  if (auth && token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined || raw !== undefined) {
    headers["Content-Type"] = raw === undefined ? "application/json" : contentType || "text/plain";
  }
  let response;
  try {
    const payload = raw ?? (body === undefined ? undefined : JSON.stringify(body));
    response = await fetch(urlFor(path, query), { method, headers, body: payload, signal });
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw new ApiError(0, "network_error", "The server cannot be reached; is it running?");
  }
  if (response.ok) return response;
  const envelope = (await readJson(response))?.error || {};
  const error = new ApiError(
    response.status,
    envelope.code || `http_${response.status}`,
    envelope.message || `The server answered ${response.status} ${response.statusText}.`,
    envelope.details || {},
  );
  if (response.status === 401 && auth && token) unauthorizedHandler(error);
  throw error;
}

async function readJson(response) {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

/** One request; resolves to the JSON body (null for 204) or throws an ApiError. */
export async function request(method, path, options = {}) {
  const response = await send(method, path, options);
  return response.status === 204 ? null : readJson(response);
}

/** A GET whose Response is read by the caller (a file to download, not JSON). */
export function fetchFile(path, query) {
  return send("GET", path, { query, accept: "*/*" });
}

/** A streaming GET (Server-Sent Events): resolves to the Response once the server accepted it. */
export function openStream(path, { query, signal } = {}) {
  return send("GET", path, { query, signal, accept: "text/event-stream" });
}

export const api = {
  get: (path, query, options) => request("GET", path, { ...options, query }),
  post: (path, body, query) => request("POST", path, { body, query }),
  put: (path, body) => request("PUT", path, { body }),
  patch: (path, body) => request("PATCH", path, { body }),
  del: (path, query) => request("DELETE", path, { query }),
};

/** GET that answers null instead of failing when the route does not exist on this server. */
export async function getOptional(path, query) {
  try {
    return await api.get(path, query);
  } catch (err) {
    if ([403, 404, 501].includes(err.status)) return null;
    throw err;
  }
}
