/* Relay chat page: projects, history, sending, streaming answers, health.
 *
 * Plain script, no build step. Uses Relay.markdown (markdown.js) and
 * Relay.JobStream (stream.js). The API contract is shared/DESIGN.md.
 */
(() => {
  "use strict";

  const { StreamRenderer, render } = window.Relay.markdown;
  const { JobStream } = window.Relay;

  const PROJECT_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
  const DEFAULT_PROJECT = "default";
  const STORAGE_KEYS = { project: "relay.project", model: "relay.model" };
  const HEALTH_INTERVAL_MS = 5000;
  const HEALTH_TIMEOUT_MS = 4000;
  const CANCEL_CONFIRM_MS = 4000;
  const STICK_TO_BOTTOM_PX = 96;
  const CLAMP_CHARS = 600; // longer messages are shown folded
  const CLAMP_LINES = 8;

  const STATUS_LABELS = {
    pending: "Queued",
    processing: "Thinking…",
    streaming: "Writing…",
    waiting_for_answers: "Waiting for your answers",
    complete: "Done",
    cancelled: "Stopped",
    error: "Failed",
  };

  const $ = (selector, root = document) => root.querySelector(selector);
  const ui = {
    app: $("#app"),
    project: $("#project"),
    projectName: $("#project-name"),
    newProject: $("#new-project"),
    newProjectForm: $("#new-project-form"),
    newProjectName: $("#new-project-name"),
    newProjectError: $("#new-project-error"),
    cancelProject: $("#cancel-project"),
    model: $("#model"),
    health: $("#health"),
    healthText: $("#health .health-text"),
    conversation: $("#conversation"),
    messages: $("#messages"),
    empty: $("#empty"),
    clearHistory: $("#clear-history"),
    composer: $("#composer"),
    message: $("#message"),
    send: $("#send"),
    stop: $("#stop"),
    notice: $("#notice"),
    turnTemplate: $("#turn-template"),
  };

  // ---------------------------------------------------------------- API --

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  async function api(path, { method = "GET", body, signal } = {}) {
    const init = { method, headers: { Accept: "application/json" }, cache: "no-store", signal };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
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

  const path = (template, value) => template.replace("{}", encodeURIComponent(value));
  const fetchSnapshot = (jobId) => api(path("/api/chat/status/{}", jobId));

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
        /* private mode: the choice just is not remembered */
      }
    },
  };

  // ------------------------------------------------------------ helpers --

  function formatMs(ms) {
    if (ms < 1000) return `${Math.round(ms)} ms`;
    return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
  }

  function showNotice(message) {
    ui.notice.textContent = message;
    ui.notice.hidden = !message;
  }

  // Whether new text should keep the end of the conversation in view: true until
  // the reader scrolls up, true again when they scroll back down.
  let followEnd = true;

  function nearBottom() {
    const el = ui.conversation;
    return el.scrollHeight - el.scrollTop - el.clientHeight < STICK_TO_BOTTOM_PX;
  }

  function scrollToBottom() {
    ui.conversation.scrollTop = ui.conversation.scrollHeight;
  }

  function updateEmptyState() {
    ui.empty.hidden = ui.messages.children.length > 0;
  }

  // ---------------------------------------------------------- questions --

  /**
   * A form with one labelled field per question, "Send answers" and "Skip" (which
   * sends an empty answer to each). `send(answers)` posts them; if it throws, the
   * error is shown and the form can be sent again.
   */
  function questionsForm(questions, idPrefix, send) {
    const element = (tag, className, text) => {
      const node = document.createElement(tag);
      if (className) node.className = className;
      if (text !== undefined) node.textContent = text;
      return node;
    };
    const form = element("form", "questions-form");
    const title = questions.length === 1 ? "The agent has a question" : "The agent has questions";
    form.append(element("p", "questions-title", title));
    questions.forEach((question, index) => {
      const row = element("div", "question");
      const label = element("label", "", String(question));
      const input = element("textarea", "question-input");
      input.id = label.htmlFor = `${idPrefix}-${index}`;
      input.rows = 2;
      input.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          form.requestSubmit();
        }
      });
      row.append(label, input);
      form.append(row);
    });
    const submit = element("button", "button primary answer-questions", "Send answers");
    submit.type = "submit";
    const skip = element("button", "button skip-questions", "Skip");
    skip.type = "button";
    const actions = element("div", "question-actions");
    actions.append(submit, skip);
    const error = element("p", "form-error");
    error.setAttribute("role", "alert");
    form.append(actions, error);

    const answer = async (answers) => {
      submit.disabled = skip.disabled = true;
      error.textContent = "";
      try {
        await send(answers);
      } catch (err) {
        error.textContent = `Could not send the answers: ${err.message}`;
        submit.disabled = skip.disabled = false;
      }
    };
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      answer([...form.querySelectorAll(".question-input")].map((input) => input.value));
    });
    skip.addEventListener("click", () => answer(questions.map(() => "")));
    return form;
  }

  // -------------------------------------------------------- answer view --

  /** The DOM of one exchange: the user's message and the answer below it. */
  class AnswerView {
    constructor(message, { source }) {
      const fragment = ui.turnTemplate.content.cloneNode(true);
      this.li = fragment.firstElementChild;
      this.li.dataset.source = source;
      this.article = $(".answer", this.li);
      this.body = $(".answer-body", this.li);
      this.activityEl = $(".activity", this.li);
      this.questionsEl = $(".questions", this.li);
      this.statusEl = $(".answer-status", this.li);
      this.latencyEl = $(".latency", this.li);
      this.deleteButton = $(".delete-turn", this.li);
      this.copyButton = $(".copy-answer", this.li);
      const bubble = $(".user-bubble", this.li);
      bubble.textContent = message;
      if (message.length > CLAMP_CHARS || message.split("\n").length > CLAMP_LINES) {
        this.clamp(bubble);
      }
      this.message = message;
      this.raw = "";
      this.t0 = null;
      this.renderer = null;
      this.copyButton.addEventListener("click", () => this.copy());
      this.deleteButton.addEventListener("click", () => deleteExchange(this));
    }

    /** Show a long message folded, with a button to unfold it. */
    clamp(bubble) {
      bubble.classList.add("clamped");
      const toggle = document.createElement("button");
      toggle.type = "button";
      toggle.className = "link-button bubble-toggle";
      toggle.textContent = "Show more";
      toggle.setAttribute("aria-expanded", "false");
      toggle.addEventListener("click", () => {
        const folded = bubble.classList.toggle("clamped");
        toggle.textContent = folded ? "Show more" : "Show less";
        toggle.setAttribute("aria-expanded", String(!folded));
      });
      bubble.after(toggle);
    }

    /** A finished exchange from the history: rendered once. */
    showFinished(text) {
      this.raw = text;
      this.body.innerHTML = render(text);
      this.setState("done", "");
    }

    /** Prepare for streaming; `t0` is performance.now() at submit, or null when reattaching. */
    startStreaming(t0) {
      this.t0 = t0;
      this.renderer = new StreamRenderer(this.body, {
        onRender: () => followEnd && scrollToBottom(),
      });
      this.setState("pending", STATUS_LABELS.pending);
      this.article.setAttribute("aria-busy", "true");
    }

    bind(jobId) {
      this.jobId = jobId;
      this.li.dataset.jobId = jobId;
      this.article.dataset.jobId = jobId;
    }

    setState(state, label) {
      this.article.dataset.state = state;
      this.statusEl.textContent = label;
    }

    setIndex(index) {
      if (index === null || index === undefined) {
        delete this.li.dataset.index;
        this.deleteButton.hidden = true;
      } else {
        this.li.dataset.index = String(index);
        this.deleteButton.hidden = false;
      }
    }

    copy() {
      const text = this.renderer ? this.renderer.text : this.raw;
      if (navigator.clipboard) navigator.clipboard.writeText(text).catch(() => {});
    }

    // JobStream callbacks --------------------------------------------------

    text(delta) {
      if (this.article.dataset.state !== "streaming") {
        this.setState("streaming", STATUS_LABELS.streaming);
      }
      this.renderer.append(delta);
    }

    reset() {
      this.renderer.reset();
      this.activity("Restarted on another worker…");
    }

    status(name) {
      if (name === "waiting_for_answers") {
        this.setState("waiting", STATUS_LABELS.waiting_for_answers);
        return;
      }
      this.hideQuestions();
      if (name === "processing" && this.renderer.text) {
        this.setState("streaming", STATUS_LABELS.streaming);
      } else {
        this.setState(name, STATUS_LABELS[name] || name);
      }
    }

    activity(text) {
      this.activityEl.textContent = text;
    }

    connection(state) {
      this.article.dataset.connection = state;
      if (state === "reconnecting") {
        this.activityEl.dataset.kind = "connection";
        this.activity("Connection lost, reconnecting…");
      } else if (this.activityEl.dataset.kind === "connection") {
        delete this.activityEl.dataset.kind;
        this.activity("");
      }
    }

    firstToken() {
      if (this.t0 === null) return;
      this.ttft = performance.now() - this.t0;
      this.article.dataset.ttftMs = String(Math.round(this.ttft));
      this.latencyEl.textContent = `first token ${formatMs(this.ttft)}`;
    }

    questions(list) {
      this.setState("waiting", STATUS_LABELS.waiting_for_answers);
      this.questionRound = (this.questionRound || 0) + 1;
      const form = questionsForm(list, `q-${this.jobId}-${this.questionRound}`, async (answers) => {
        await api("/api/chat/answers", { method: "POST", body: { job_id: this.jobId, answers } });
        // The stream may already have moved on (even finished) before this reply.
        if (form.isConnected && this.article.dataset.state === "waiting") {
          this.hideQuestions();
          this.setState("pending", STATUS_LABELS.pending);
        }
      });
      this.questionsEl.replaceChildren(form);
      this.questionsEl.hidden = false;
      const first = form.querySelector(".question-input");
      if (first) first.focus();
      if (nearBottom()) scrollToBottom();
    }

    hideQuestions() {
      const hadFocus = this.questionsEl.contains(document.activeElement);
      this.questionsEl.hidden = true;
      this.questionsEl.replaceChildren();
      if (hadFocus) ui.message.focus();
    }

    finish(outcome, detail) {
      if (outcome === "done" && detail.replaced) this.renderer.replace(detail.result);
      else this.renderer.flush(true);
      this.hideQuestions();
      this.activity(outcome === "error" ? detail.message || "The job failed." : "");
      delete this.activityEl.dataset.kind;
      this.article.setAttribute("aria-busy", "false");
      const state = outcome === "done" ? "done" : outcome;
      this.setState(state, outcome === "done" ? "" : STATUS_LABELS[outcome] || outcome);
      const parts = [];
      if (this.ttft !== undefined) parts.push(`first token ${formatMs(this.ttft)}`);
      if (this.t0 !== null) {
        const total = performance.now() - this.t0;
        this.article.dataset.totalMs = String(Math.round(total));
        parts.push(`total ${formatMs(total)}`);
      } else {
        parts.push("reattached");
      }
      if (detail.cached) {
        const similar =
          typeof detail.similarity === "number" ? ` ${detail.similarity.toFixed(2)}` : "";
        parts.push(detail.cached === "semantic" ? `cached (similar${similar})` : "cached");
        this.article.dataset.cached = detail.cached;
      }
      this.latencyEl.textContent = parts.join(" · ");
      this.onFinish?.(outcome);
    }
  }

  // -------------------------------------------------------------- state --

  const state = {
    project: DEFAULT_PROJECT,
    projects: new Set(),
    current: null, // { stream: JobStream, view: AnswerView } of the running job shown
    sending: false, // a start request is on its way (its job is not followed yet)
    selecting: 0, // bumps on every project switch so late answers are dropped
  };

  function setRunning(running) {
    ui.send.hidden = running;
    ui.stop.hidden = !running;
    ui.stop.disabled = false;
    ui.app.dataset.running = running ? "true" : "false";
  }

  function isRunning() {
    return Boolean(state.current && !state.current.stream.finished);
  }

  // ----------------------------------------------------------- projects --

  function renderProjectOptions() {
    const names = [...state.projects].sort((a, b) => a.localeCompare(b));
    ui.project.replaceChildren(
      ...names.map((name) => {
        const option = document.createElement("option");
        option.value = name;
        option.textContent = name;
        return option;
      }),
    );
    ui.project.value = state.project;
  }

  async function loadProjects() {
    try {
      const data = await api("/api/projects");
      for (const name of data.projects || []) {
        if (PROJECT_PATTERN.test(name)) state.projects.add(name);
      }
    } catch {
      /* the health indicator tells the user; the current project still works */
    }
    state.projects.add(state.project);
    renderProjectOptions();
  }

  async function selectProject(name) {
    const token = ++state.selecting;
    if (state.current) {
      state.current.stream.detach(); // the job keeps running; we reattach when back
      state.current = null;
    }
    setRunning(false);
    state.project = name;
    state.projects.add(name);
    storage.set(STORAGE_KEYS.project, name);
    renderProjectOptions();
    ui.projectName.textContent = name;
    document.title = `${name} · Relay`;
    ui.messages.replaceChildren();
    updateEmptyState();
    showNotice("");
    const history = await fetchHistory(name);
    if (token !== state.selecting) return;
    renderHistory(history);
    await attachActive(token);
    if (token === state.selecting) scrollToBottom();
  }

  function toggleNewProject(open) {
    ui.newProjectForm.hidden = !open;
    ui.newProject.setAttribute("aria-expanded", String(open));
    ui.newProjectError.textContent = "";
    if (open) {
      ui.newProjectName.value = "";
      ui.newProjectName.removeAttribute("aria-invalid");
      ui.newProjectName.focus();
    } else {
      ui.newProject.focus();
    }
  }

  function createProject(event) {
    event.preventDefault();
    const name = ui.newProjectName.value.trim();
    if (!PROJECT_PATTERN.test(name)) {
      ui.newProjectName.setAttribute("aria-invalid", "true");
      ui.newProjectError.textContent =
        "Use 1 to 64 letters, digits, dots, dashes or underscores (no spaces).";
      ui.newProjectName.focus();
      return;
    }
    ui.newProjectForm.hidden = true;
    ui.newProject.setAttribute("aria-expanded", "false");
    selectProject(name);
    ui.message.focus();
  }

  // ------------------------------------------------------------ history --

  async function fetchHistory(project) {
    try {
      const data = await api(path("/api/history/{}", project));
      return Array.isArray(data.history) ? data.history : [];
    } catch (error) {
      if (error.status !== 404) showNotice(`Could not load the history: ${error.message}`);
      return [];
    }
  }

  /** Show the project's finished exchanges, keeping a running answer at the end. */
  function renderHistory(history) {
    const running = isRunning() ? state.current.view.li : null;
    const items = history.map((entry) => {
      const view = new AnswerView(entry.user || "", { source: "history" });
      view.showFinished(entry.assistant || "");
      if (entry.job_id) view.bind(entry.job_id);
      view.setIndex(entry.id);
      return view.li;
    });
    if (running) items.push(running);
    ui.messages.replaceChildren(...items);
    ui.clearHistory.hidden = history.length === 0;
    updateEmptyState();
  }

  async function refreshHistory() {
    const history = await fetchHistory(state.project);
    renderHistory(history);
  }

  /** After an answer finished, find it in the history so it can be deleted. */
  async function indexFinished(view, project, attempts = 3) {
    const history = await fetchHistory(project);
    if (project !== state.project) return;
    const found = history.find((entry) => entry.job_id && entry.job_id === view.jobId);
    if (found) {
      view.setIndex(found.id);
      ui.clearHistory.hidden = false;
    }
    // The watcher saves the exchange just after the answer ends: look again shortly.
    else if (attempts > 1) setTimeout(() => indexFinished(view, project, attempts - 1), 500);
  }

  async function deleteExchange(view) {
    const id = view.li.dataset.index;
    if (!id) return;
    try {
      await api("/api/history/delete", {
        method: "POST",
        body: { project: state.project, id },
      });
      await refreshHistory();
      ui.message.focus();
    } catch (error) {
      showNotice(`Could not delete: ${error.message}`);
    }
  }

  async function clearHistory() {
    if (!window.confirm(`Clear the whole history of “${state.project}”?`)) return;
    try {
      await api("/api/history/clear", { method: "POST", body: { project: state.project } });
      await refreshHistory();
    } catch (error) {
      showNotice(`Could not clear the history: ${error.message}`);
    }
  }

  // ------------------------------------------------------------- models --

  async function loadModels() {
    let data;
    try {
      data = await api("/api/models");
    } catch {
      const option = new Option("default", "");
      ui.model.replaceChildren(option);
      return;
    }
    const models = Array.isArray(data.models) ? data.models : [];
    ui.model.replaceChildren(
      ...models.map((model) => {
        const label = model.backend && model.backend !== model.name
          ? `${model.name} (${model.backend})`
          : model.name;
        return new Option(label, model.name);
      }),
    );
    const saved = storage.get(STORAGE_KEYS.model);
    const names = models.map((model) => model.name);
    ui.model.value = names.includes(saved) ? saved : data.default || names[0] || "";
  }

  // ----------------------------------------------------------- chatting --

  function follow(jobId, streamUrl, view) {
    view.bind(jobId);
    const project = state.project;
    const stream = new JobStream({ jobId, streamUrl, view, fetchSnapshot });
    state.current = { stream, view };
    view.onFinish = (outcome) => {
      if (state.current && state.current.stream === stream) {
        setRunning(false);
        ui.stop.disabled = false;
      }
      if (outcome === "done") indexFinished(view, project);
    };
    setRunning(true);
    stream.open();
  }

  async function send() {
    const message = ui.message.value;
    if (!message.trim() || isRunning() || state.sending) return;
    const t0 = performance.now();
    state.sending = true;
    showNotice("");
    const view = new AnswerView(message, { source: "live" });
    view.startStreaming(t0);
    ui.messages.append(view.li);
    updateEmptyState();
    scrollToBottom();
    ui.message.value = "";
    autosize();
    setRunning(true);
    const project = state.project;
    const body = { message, project };
    if (ui.model.value) body.model = ui.model.value;
    try {
      const job = await api("/api/chat/start", { method: "POST", body });
      if (project !== state.project) return; // switched away: reattach on return
      follow(job.job_id, job.stream_url, view);
    } catch (error) {
      setRunning(false);
      view.renderer.flush(true);
      view.setState("error", STATUS_LABELS.error);
      view.article.setAttribute("aria-busy", "false");
      view.activity(`Not sent: ${error.message}`);
      if (!ui.message.value) ui.message.value = message; // let the user retry
      autosize();
    } finally {
      state.sending = false;
    }
  }

  async function stop() {
    if (!isRunning()) return;
    const { stream } = state.current;
    ui.stop.disabled = true;
    try {
      await api("/api/chat/cancel", { method: "POST", body: { job_id: stream.jobId } });
    } catch (error) {
      if (error.status !== 409) {
        ui.stop.disabled = false;
        showNotice(`Could not stop: ${error.message}`);
        return;
      }
    }
    // The stream reports "cancelled"; if it cannot (connection down), ask directly.
    setTimeout(() => {
      if (!stream.finished) stream.settleFromSnapshot();
    }, CANCEL_CONFIRM_MS);
  }

  /** Show the project's running job (after a reload, a project switch, a return to the tab). */
  async function attachActive(token = state.selecting) {
    let active;
    try {
      active = await api(path("/api/active/{}", state.project));
    } catch {
      return; // 404: nothing running
    }
    if (token !== state.selecting || !active || !active.job_id || state.sending) return;
    if (state.current && state.current.stream.jobId === active.job_id) {
      state.current.stream.resume();
      return;
    }
    if (isRunning()) return; // already following another job of this project
    let message = "";
    try {
      const snapshot = await fetchSnapshot(active.job_id);
      message = snapshot.message || "";
    } catch {
      /* the answer still streams without the question */
    }
    if (token !== state.selecting || isRunning() || state.sending) return;
    const view = new AnswerView(message, { source: "live" });
    view.startStreaming(null);
    ui.messages.append(view.li);
    updateEmptyState();
    // Replay from the first event: the stream gives the whole answer so far, then live.
    follow(active.job_id, active.stream_url, view);
    scrollToBottom();
  }

  function onVisible() {
    if (document.visibilityState !== "visible") return;
    if (isRunning()) state.current.stream.resume();
    else attachActive();
    pollHealth();
  }

  // ------------------------------------------------------------- health --

  let healthTimer = 0;

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
    if (ui.health.dataset.state !== "down" && isRunning()) state.current.stream.resume();
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

  // ----------------------------------------------------------- composer --

  function autosize() {
    ui.message.style.height = "auto";
    ui.message.style.height = `${Math.min(ui.message.scrollHeight, 240)}px`;
  }

  function bindEvents() {
    ui.composer.addEventListener("submit", (event) => {
      event.preventDefault();
      send();
    });
    ui.message.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        send();
      } else if (event.key === "Escape" && isRunning()) {
        event.preventDefault();
        stop();
      }
    });
    ui.message.addEventListener("input", autosize);
    ui.conversation.addEventListener("scroll", () => (followEnd = nearBottom()), {
      passive: true,
    });
    ui.stop.addEventListener("click", stop);
    ui.project.addEventListener("change", () => selectProject(ui.project.value));
    ui.model.addEventListener("change", () => storage.set(STORAGE_KEYS.model, ui.model.value));
    ui.newProject.addEventListener("click", () => toggleNewProject(ui.newProjectForm.hidden));
    ui.cancelProject.addEventListener("click", () => toggleNewProject(false));
    ui.newProjectForm.addEventListener("submit", createProject);
    ui.newProjectForm.addEventListener("keydown", (event) => {
      if (event.key === "Escape") toggleNewProject(false);
    });
    ui.newProjectName.addEventListener("input", () => {
      ui.newProjectName.removeAttribute("aria-invalid");
      ui.newProjectError.textContent = "";
    });
    ui.clearHistory.addEventListener("click", clearHistory);
    document.addEventListener("visibilitychange", onVisible);
    window.addEventListener("pageshow", (event) => event.persisted && onVisible());
    window.addEventListener("online", onVisible);
  }

  async function init() {
    bindEvents();
    const saved = storage.get(STORAGE_KEYS.project);
    state.project = saved && PROJECT_PATTERN.test(saved) ? saved : DEFAULT_PROJECT;
    pollHealth();
    await Promise.all([loadModels(), loadProjects()]);
    await selectProject(state.project);
    ui.app.dataset.ready = "true";
    ui.message.focus();
  }

  init();
})();
