/* Relay: short messages for everyone — a polite screen-reader announcement, copying
 * text with feedback, and a toast that offers to undo what was just done.
 *
 * Exports: Relay.announce, Relay.copyText, Relay.undoable.
 */
(() => {
  "use strict";

  const UNDO_MS = 6000;
  const $ = (selector) => document.querySelector(selector);

  /** Say `message` to screen readers (the page's one status region besides the answer). */
  function announce(message) {
    const region = $("#announcer");
    region.textContent = "";
    // A change after a tick is announced even when the text is the same as last time.
    setTimeout(() => (region.textContent = message), 30);
  }

  /** Put `text` on the clipboard; the Clipboard API, else a hidden textarea. */
  async function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(text);
        return true;
      } catch {
        /* denied (no focus, no permission): try the old way */
      }
    }
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "clipboard-helper";
    document.body.append(area);
    area.select();
    let copied = false;
    try {
      copied = document.execCommand("copy");
    } catch {
      copied = false;
    }
    area.remove();
    return copied;
  }

  /**
   * Show "`message` · Undo" for a few seconds, then `commit()`. Undo calls `undo()`
   * instead. Dismissing the toast, or starting another undoable action, commits now.
   */
  let pending = null;

  function undoable(message, { commit, undo }) {
    settle(true);
    const toast = $("#toast");
    const entry = { commit, undo, timer: setTimeout(() => settle(true), UNDO_MS) };
    pending = entry;
    $("#toast-text").textContent = message;
    toast.hidden = false;
    return entry;
  }

  function settle(commit) {
    const entry = pending;
    if (!entry) return;
    pending = null;
    clearTimeout(entry.timer);
    $("#toast").hidden = true;
    if (commit) entry.commit();
    else entry.undo();
  }

  function bindToast() {
    $("#toast-undo").addEventListener("click", () => {
      settle(false);
      announce("Undone");
    });
    $("#toast-dismiss").addEventListener("click", () => settle(true));
    window.addEventListener("pagehide", () => settle(true));
  }

  window.Relay = window.Relay || {};
  Object.assign(window.Relay, { announce, copyText, undoable, bindToast });
})();
