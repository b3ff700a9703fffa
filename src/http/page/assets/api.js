// Talks to lotse with the session cookie (sent by the browser, invisible to
// this script) and the session's CSRF token on every state change.

let csrf = "";

export function setCsrf(token) {
  csrf = token || "";
}

/// `{status, data}`; status 0 when the server could not be reached.
export async function send(method, path, body) {
  const headers = { Accept: "application/json" };
  if (method !== "GET") headers["X-CSRF-Token"] = csrf;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  try {
    const resp = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await resp.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    return { status: resp.status, data };
  } catch {
    return { status: 0, data: null };
  }
}

export const get = (path) => send("GET", path);
