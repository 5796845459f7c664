/* Relay: the conversation sidebar — every conversation (a project) by its title, new
 * chat, rename, delete with undo, search by title and content. On phones it is a
 * panel opened from the top bar.
 *
 * Uses Relay.api, Relay.undoable, Relay.announce. Exports: Relay.Sidebar.
 */
(() => {
  "use strict";

  const { api } = window.Relay.api;
  const SEARCH_DELAY_MS = 200;
  const NEW_TITLE = "New chat";

  const $ = (selector, root = document) => root.querySelector(selector);

  function icon(pathData) {
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 20 20");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("d", pathData);
    svg.append(path);
    return svg;
  }

  const PENCIL = "M4 14.5V16h1.5L14 7.5 12.5 6 4 14.5zM13.5 5l1.5 1.5 1-1L14.5 4l-1 1z";
  const TRASH = "M6 6h8l-.7 10H6.7L6 6zm2-2h4l.5 1H15v1H5V5h2.5L8 4z";

  /** A new conversation's project name: unguessable enough, and valid as a project. */
  function newProjectName() {
    const bytes = new Uint8Array(6);
    crypto.getRandomValues(bytes);
    return `chat-${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
  }

  class Sidebar {
    /** `onSelect(project)` opens a conversation; `current()` is the one open. */
    constructor({ onSelect, current }) {
      this.onSelect = onSelect;
      this.current = current;
      this.app = $("#app");
      this.list = $("#conversations");
      this.search = $("#search");
      this.emptyEl = $("#no-conversations");
      this.toggle = $("#sidebar-toggle");
      this.conversations = [];
      this.hidden = new Set(); // deleted, waiting for their undo to run out
      this.query = "";
      this.searchTimer = 0;
      this.loading = 0;
      $("#new-chat").addEventListener("click", () => this.newChat());
      this.toggle.addEventListener("click", () => this.setOpen(this.app.dataset.sidebar !== "open"));
      $("#sidebar-close").addEventListener("click", () => this.setOpen(false));
      this.search.addEventListener("input", () => {
        clearTimeout(this.searchTimer);
        this.searchTimer = setTimeout(() => this.load(this.search.value), SEARCH_DELAY_MS);
      });
      $("#sidebar").addEventListener("keydown", (event) => {
        if (event.key === "Escape" && this.app.dataset.sidebar === "open") {
          this.setOpen(false);
          this.toggle.focus();
        }
      });
    }

    /** Open or close the panel (phones; on wide screens it is always shown). */
    setOpen(open) {
      this.app.dataset.sidebar = open ? "open" : "closed";
      this.toggle.setAttribute("aria-expanded", String(open));
      if (open) this.search.focus();
    }

    /** Fetch the list (matching `query`) and draw it. */
    async load(query = this.query) {
      this.query = query.trim();
      const ticket = ++this.loading;
      let data;
      try {
        const url = this.query ? `/api/projects?q=${encodeURIComponent(this.query)}` : "/api/projects";
        data = await api(url);
      } catch {
        return; // the health indicator tells the user; the list stays as it was
      }
      if (ticket !== this.loading) return; // a newer search answered first
      this.conversations = Array.isArray(data.conversations) ? data.conversations : [];
      this.draw();
    }

    /** The title shown for `project`. */
    titleOf(project) {
      const found = this.conversations.find((c) => c.project === project);
      return found ? found.title : NEW_TITLE;
    }

    draw() {
      const current = this.current();
      const shown = this.conversations.filter((c) => !this.hidden.has(c.project));
      // The open conversation is listed even before its first message is saved.
      if (!this.query && !shown.some((c) => c.project === current) && !this.hidden.has(current)) {
        shown.unshift({ project: current, title: NEW_TITLE, renamed: false, fresh: true });
      }
      this.list.replaceChildren(...shown.map((c) => this.item(c, c.project === current)));
      this.emptyEl.hidden = shown.length > 0;
      this.emptyEl.textContent = this.query ? "No conversation matches." : "No conversations yet.";
    }

    item(conversation, isCurrent) {
      const li = document.createElement("li");
      li.className = "conversation-item";
      li.dataset.project = conversation.project;
      const open = document.createElement("button");
      open.type = "button";
      open.className = "conversation-open";
      open.textContent = conversation.title;
      open.title = conversation.title;
      if (isCurrent) open.setAttribute("aria-current", "page");
      open.addEventListener("click", () => {
        this.onSelect(conversation.project);
        this.setOpen(false);
      });
      li.append(open);
      if (!conversation.fresh) {
        li.append(
          this.tool("rename", PENCIL, `Rename “${conversation.title}”`, () =>
            this.startRename(li, conversation),
          ),
          this.tool("delete", TRASH, `Delete “${conversation.title}”`, () =>
            this.remove(conversation),
          ),
        );
      }
      return li;
    }

    tool(name, pathData, label, onClick) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = `icon-button conversation-${name}`;
      button.setAttribute("aria-label", label);
      button.title = label;
      button.append(icon(pathData));
      button.addEventListener("click", onClick);
      return button;
    }

    newChat() {
      this.onSelect(newProjectName());
      this.setOpen(false);
    }

    startRename(li, conversation) {
      const form = document.createElement("form");
      form.className = "rename-form";
      const label = document.createElement("label");
      label.className = "visually-hidden";
      label.textContent = "New title";
      const input = document.createElement("input");
      input.type = "text";
      input.maxLength = 120;
      input.value = conversation.title;
      input.id = label.htmlFor = `rename-${conversation.project}`;
      form.append(label, input);
      li.replaceChildren(form);
      input.focus();
      input.select();
      let done = false;
      const finish = async (save) => {
        if (done) return;
        done = true;
        const title = input.value.trim();
        if (save && title !== conversation.title) {
          try {
            await api("/api/projects/rename", {
              method: "POST",
              body: { project: conversation.project, title },
            });
            window.Relay.announce(title ? `Renamed to ${title}` : "Title reset");
          } catch (error) {
            window.Relay.announce(`Could not rename: ${error.message}`);
          }
        }
        await this.load();
        const renamed = this.list.querySelector(
          `[data-project="${CSS.escape(conversation.project)}"] .conversation-open`,
        );
        if (renamed) renamed.focus();
      };
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        finish(true);
      });
      input.addEventListener("keydown", (event) => {
        if (event.key === "Escape") {
          event.preventDefault();
          event.stopPropagation();
          finish(false);
        }
      });
      input.addEventListener("blur", () => finish(true));
    }

    /** Hide the conversation now; delete it when the undo has run out. */
    remove(conversation) {
      const project = conversation.project;
      const wasCurrent = project === this.current();
      this.hidden.add(project);
      if (wasCurrent) this.onSelect(newProjectName());
      this.draw();
      window.Relay.undoable(`Deleted “${conversation.title}”`, {
        commit: async () => {
          try {
            await api("/api/projects/delete", { method: "POST", body: { project } });
          } catch {
            /* already gone (another tab) or unreachable: it reappears on the next load */
          }
          this.hidden.delete(project);
          await this.load();
        },
        undo: () => {
          this.hidden.delete(project);
          if (wasCurrent) this.onSelect(project);
          this.draw();
        },
      });
      $("#toast-undo").focus();
    }
  }

  window.Relay.Sidebar = Sidebar;
})();
