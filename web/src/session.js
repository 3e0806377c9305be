// Who is signed in and what they may do; views ask here instead of reading roles themselves.
import { computed, reactive } from "vue";
import { api, clearToken, getToken, request, setToken } from "./api.js";

export const session = reactive({ user: null, message: "" });

export const canWrite = computed(() => ["writer", "admin"].includes(session.user?.role));
export const isAdmin = computed(() => session.user?.role === "admin");

export function hasToken() {
  return Boolean(getToken());
}

/** Load the principal behind the stored token (GET /me); throws ApiError when it is refused. */
export async function loadMe() {
  session.user = await api.get("/me");
  return session.user;
}

/** Sign in with a username and password (a session token) or with an API key. */
export async function signIn({ username, password, apiKey, remember }) {
  if (apiKey) {
    setToken(apiKey.trim(), remember);
  } else {
    const body = { username, password };
    const answer = await request("POST", "/auth/login", { body, auth: false });
    setToken(answer.token, remember);
  }
  try {
    await loadMe();
  } catch (err) {
    clearToken();
    throw err;
  }
  session.message = "";
}

export async function signOut() {
  // Only a session token ends on the server; an API key stays valid for its other users.
  if (session.user?.via === "session") {
    try {
      await api.post("/auth/logout");
    } catch {
      // The token may already be gone; signing out locally is what matters.
    }
  }
  endSession("You are signed out.");
}

export function endSession(message) {
  clearToken();
  session.user = null;
  session.message = message;
}
