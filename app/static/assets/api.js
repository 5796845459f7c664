/* Relay: the JSON API as the page calls it, and the few things it remembers.
 *
 * Exports: Relay.api = { ApiError, api, path, fetchSnapshot, storage }.
 */
(() => {
  "use strict";

  /** A failed API call: HTTP status (0 when unreachable), error code and message. */
  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  /** One JSON request; resolves to the parsed body, rejects with ApiError. */
  async function api(url, { method = "GET", body, signal } = {}) {
    const init = { method, headers: { Accept: "application/json" }, cache: "no-store", signal };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(url, init);
    } catch (error) {
      if (error.name === "AbortError") throw error;
      throw new ApiError(0, "unreachable", "The server cannot be reached.");
    }
    const raw = await response.text();
    let data = null;
    try {
      data = raw ? JSON.parse(raw) : null;
    } catch {
      data = null;
    }
    if (!response.ok) {
      const error = (data && data.error) || {};
      const message = error.message || `${response.status} ${response.statusText}`.trim();
      throw new ApiError(response.status, error.code || `http_${response.status}`, message);
    }
    return data;
  }

  /** `template` with its "{}" replaced by the URL-encoded `value`. */
  const path = (template, value) => template.replace("{}", encodeURIComponent(value));
  const fetchSnapshot = (jobId) => api(path("/api/chat/status/{}", jobId));

  /** localStorage that never throws (private mode: choices are just not remembered). */
  const storage = {
    get(key) {
      try {
        return window.localStorage.getItem(key);
      } catch {
        return null;
      }
    },
    set(key, value) {
      try {
        window.localStorage.setItem(key, value);
      } catch {
        /* not remembered */
      }
    },
  };

  window.Relay = window.Relay || {};
  window.Relay.api = { ApiError, api, path, fetchSnapshot, storage };
})();
