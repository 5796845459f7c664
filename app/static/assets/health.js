/* Relay: the health pill — the server's state, polled every few seconds.
 *
 * Exports: Relay.Health (start(onChange), poll()).
 */
(() => {
  "use strict";

  const HEALTH_INTERVAL_MS = 5000;
  const HEALTH_TIMEOUT_MS = 4000;

  const ui = {
    health: document.querySelector("#health"),
    healthText: document.querySelector("#health .health-text"),
  };

  let healthTimer = 0;
  let onReachable = () => {};

  function setHealth(kind, text) {
    ui.health.dataset.state = kind;
    if (ui.healthText.textContent !== text) ui.healthText.textContent = text;
  }

  async function pollHealth() {
    clearTimeout(healthTimer);
    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(), HEALTH_TIMEOUT_MS);
    try {
      const response = await fetch("/api/health", {
        cache: "no-store",
        signal: controller.signal,
        headers: { Accept: "application/json" },
      });
      let data = null;
      try {
        data = await response.json();
      } catch {
        data = null;
      }
      if (!data || response.status >= 502) {
        setHealth("down", "Server unreachable");
      } else if (data.mode === "file") {
        setHealth("fallback", "File fallback mode");
      } else if (watcherCount(data.watchers) === 0) {
        setHealth("degraded", "No workers running");
      } else if (!response.ok || (data.status && data.status !== "ok")) {
        setHealth("degraded", "Degraded");
      } else {
        setHealth("ok", "Connected");
      }
    } catch {
      setHealth("down", "Server unreachable");
    } finally {
      clearTimeout(timeout);
      healthTimer = setTimeout(pollHealth, HEALTH_INTERVAL_MS);
    }
    if (ui.health.dataset.state !== "down") onReachable();
  }

  function watcherCount(watchers) {
    if (typeof watchers === "number") return watchers;
    if (Array.isArray(watchers)) return watchers.length;
    if (watchers && typeof watchers === "object") {
      if (typeof watchers.alive === "number") return watchers.alive;
      return Object.keys(watchers).length;
    }
    return null;
  }

  /** Poll from now on; `reachable()` is called after each poll that reached the server. */
  function start(reachable) {
    onReachable = reachable;
    pollHealth();
  }

  window.Relay.Health = { start, poll: pollHealth };
})();
