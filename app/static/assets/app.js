/* Relay chat page: the conversation open, sending, regenerate / edit / retry,
 * history, models, health. Wiring only: the parts live in their own modules.
 *
 * Plain scripts, no build step, loaded in this order: vendor.js, api.js, announce.js,
 * markdown.js, open-blocks.js, renderer.js, stream.js, questions.js, answer-view.js,
 * sidebar.js, health.js, models.js, then this one. The API contract is
 * shared/DESIGN.md.
 */
(() => {
  "use strict";

  const { api, path, fetchSnapshot, storage } = window.Relay.api;
  const { JobStream, AnswerView, Sidebar } = window.Relay;

  const PROJECT_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
  const DEFAULT_PROJECT = "default";
  const STORAGE_KEYS = { project: "relay.project", model: "relay.model" };
  const CANCEL_CONFIRM_MS = 4000;
  const STICK_TO_BOTTOM_PX = 96;

  const $ = (selector, root = document) => root.querySelector(selector);
  const ui = {
    app: $("#app"),
    title: $("#conversation-title"),
    model: $("#model"),
    modelReason: $("#model-reason"),
    conversation: $("#conversation"),
    messages: $("#messages"),
    empty: $("#empty"),
    clearHistory: $("#clear-history"),
    jumpToLatest: $("#jump-to-latest"),
    composer: $("#composer"),
    message: $("#message"),
    send: $("#send"),
    stop: $("#stop"),
    notice: $("#notice"),
    editing: $("#editing"),
    editingText: $("#editing-text"),
    cancelEdit: $("#cancel-edit"),
    turnTemplate: $("#turn-template"),
  };

  const state = {
    project: DEFAULT_PROJECT,
    current: null, // { stream: JobStream, view: AnswerView } of the running job shown
    sending: false, // a start request is on its way (its job is not followed yet)
    selecting: 0, // bumps on every project switch so late answers are dropped
    replacing: null, // the AnswerView whose exchange the composer's text will replace
  };

  // ------------------------------------------------------------ helpers --

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
    followEnd = true;
    ui.jumpToLatest.hidden = true;
  }

  function onRender() {
    if (followEnd) scrollToBottom();
    else ui.jumpToLatest.hidden = false;
  }

  const views = () => [...ui.messages.children].map((li) => li.view).filter(Boolean);

  function updateConversationState() {
    const all = views();
    ui.empty.hidden = all.length > 0;
    ui.clearHistory.hidden = !all.some((view) => view.exchangeId && view.finished);
    const busy = isRunning() || state.sending;
    all.forEach((view, index) => view.setActions({ latest: index === all.length - 1, busy }));
    ui.send.disabled = !ui.message.value.trim();
  }

  function setRunning(running) {
    ui.send.hidden = running;
    ui.stop.hidden = !running;
    ui.stop.disabled = false;
    ui.app.dataset.running = running ? "true" : "false";
    updateConversationState();
  }

  function isRunning() {
    return Boolean(state.current && !state.current.stream.finished);
  }

  // -------------------------------------------------------------- views --

  /** What an exchange's buttons do. */
  const actions = {
    onRender,
    answer: (jobId, answers) =>
      api("/api/chat/answers", { method: "POST", body: { job_id: jobId, answers } }),
    focusComposer: () => ui.message.focus(),
    regenerate: (view) => send({ message: view.message, replacing: view }),
    edit: (view) => startEditing(view),
    remove: (view) => removeExchange(view),
  };

  function newView(message, source) {
    return new AnswerView(ui.turnTemplate, message, { source, actions });
  }

  // ----------------------------------------------------------- projects --

  const sidebar = new Sidebar({ onSelect: (name) => selectProject(name), current: () => state.project });

  async function selectProject(name) {
    const token = ++state.selecting;
    if (state.current) {
      state.current.stream.detach(); // the job keeps running; we reattach when back
      state.current = null;
    }
    stopEditing();
    state.project = name;
    ui.app.dataset.project = name;
    storage.set(STORAGE_KEYS.project, name);
    setRunning(false);
    ui.messages.replaceChildren();
    updateConversationState();
    showNotice("");
    sidebar.draw();
    showTitle();
    const history = await fetchHistory(name);
    if (token !== state.selecting) return;
    renderHistory(history);
    await attachActive(token);
    if (token === state.selecting) scrollToBottom();
  }

  function showTitle() {
    const title = sidebar.titleOf(state.project);
    ui.title.textContent = title;
    document.title = `${title} · Relay`;
  }

  async function refreshConversations() {
    await sidebar.load();
    showTitle();
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

  /** Show the project's ended exchanges, keeping answers still on their way at the end. */
  function renderHistory(history) {
    // A message sent while the history loaded, or a job running: not in the history yet.
    const unfinished = views().filter((view) => view.li.dataset.source === "live" && !view.finished);
    const items = history.map((entry) => {
      const view = newView(entry.user || "", "history");
      view.showEntry(entry);
      return view.li;
    });
    items.push(...unfinished.map((view) => view.li));
    ui.messages.replaceChildren(...items);
    updateConversationState();
  }

  /** Hide the exchange now; delete it by its id when the undo has run out. */
  function removeExchange(view) {
    const project = state.project;
    const id = view.exchangeId;
    const next = view.li.nextElementSibling;
    view.li.remove();
    if (state.replacing === view) stopEditing();
    updateConversationState();
    window.Relay.undoable("Exchange deleted", {
      commit: async () => {
        try {
          await api("/api/history/delete", { method: "POST", body: { project, id } });
        } catch (error) {
          if (error.status !== 404) showNotice(`Could not delete: ${error.message}`);
        }
        if (project === state.project) await refreshConversations();
      },
      undo: () => {
        if (project !== state.project) return;
        if (next && next.isConnected) ui.messages.insertBefore(view.li, next);
        else ui.messages.append(view.li);
        updateConversationState();
      },
    });
    $("#toast-undo").focus();
  }

  async function clearHistory() {
    if (!window.confirm(`Clear the whole history of “${sidebar.titleOf(state.project)}”?`)) return;
    try {
      await api("/api/history/clear", { method: "POST", body: { project: state.project } });
      renderHistory(await fetchHistory(state.project));
      await refreshConversations();
    } catch (error) {
      showNotice(`Could not clear the history: ${error.message}`);
    }
  }

  // ----------------------------------------------------------- chatting --

  function follow(jobId, streamUrl, view) {
    view.bind(jobId);
    view.exchangeId = jobId; // an exchange's id is its job's id
    view.li.dataset.exchangeId = jobId;
    const project = state.project;
    const stream = new JobStream({ jobId, streamUrl, view, fetchSnapshot });
    state.current = { stream, view };
    view.onFinish = (outcome) => {
      if (state.current && state.current.stream === stream) setRunning(false);
      if (outcome === "error" && project === state.project) restoreForRetry(view);
      updateConversationState();
      if (project === state.project) refreshConversations();
    };
    setRunning(true);
    stream.open();
  }

  /** A failed turn's message goes back to the composer, to be sent again in its place. */
  function restoreForRetry(view) {
    if (ui.message.value.trim()) return; // never overwrite what the user is typing
    ui.message.value = view.message;
    autosize();
    startEditing(view, { retry: true });
  }

  /**
   * Send `message` (the composer's text by default). `replacing`: the latest
   * exchange this one takes the place of (regenerate, edit, retry): the server
   * removes it and never answers from the cache.
   */
  async function send({ message = ui.message.value, replacing = state.replacing } = {}) {
    if (!message.trim() || isRunning() || state.sending) return;
    const fromComposer = message === ui.message.value;
    const t0 = performance.now();
    state.sending = true;
    showNotice("");
    const view = newView(message, "live");
    view.startStreaming(t0);
    const replacedLi = replacing && replacing.li.isConnected ? replacing.li : null;
    if (replacedLi) replacedLi.hidden = true;
    ui.messages.append(view.li);
    scrollToBottom();
    if (fromComposer) {
      ui.message.value = "";
      autosize();
    }
    stopEditing();
    setRunning(true);
    const project = state.project;
    const body = { message, project };
    if (ui.model.value) body.model = ui.model.value;
    if (replacing && replacing.exchangeId) body.replaces = replacing.exchangeId;
    try {
      const job = await api("/api/chat/start", { method: "POST", body });
      if (replacedLi) replacedLi.remove();
      if (project !== state.project) return; // switched away: reattach on return
      follow(job.job_id, job.stream_url, view);
    } catch (error) {
      if (replacedLi) replacedLi.hidden = false;
      setRunning(false);
      view.notSent(error.message);
      if (!ui.message.value) ui.message.value = message; // let the user retry
      autosize();
    } finally {
      state.sending = false;
      updateConversationState();
    }
  }

  function startEditing(view, { retry = false } = {}) {
    if (state.replacing) state.replacing.setEditing(false);
    state.replacing = view;
    view.setEditing(true);
    if (!retry) {
      ui.message.value = view.message;
      autosize();
    }
    ui.editingText.textContent = retry
      ? "The message that failed is back: send it again, or change it first."
      : "Editing your last message: sending replaces that exchange.";
    ui.editing.hidden = false;
    ui.message.focus();
    updateConversationState();
  }

  function stopEditing() {
    if (state.replacing) state.replacing.setEditing(false);
    state.replacing = null;
    ui.editing.hidden = true;
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
      return;
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
    const view = newView(message, "live");
    view.startStreaming(null);
    ui.messages.append(view.li);
    // Replay from the first event: the stream gives the whole answer so far, then live.
    follow(active.job_id, active.stream_url, view);
    scrollToBottom();
  }

  function onVisible() {
    if (document.visibilityState !== "visible") return;
    if (isRunning()) state.current.stream.resume();
    else attachActive();
    window.Relay.Health.poll();
  }

  // ----------------------------------------------------------- composer --

  function autosize() {
    ui.message.style.height = "auto";
    ui.message.style.height = `${Math.min(ui.message.scrollHeight, 240)}px`;
    ui.send.disabled = !ui.message.value.trim();
  }

  function bindEvents() {
    window.Relay.bindToast();
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
      } else if (event.key === "Escape" && state.replacing) {
        event.preventDefault();
        stopEditing();
      }
    });
    ui.message.addEventListener("input", autosize);
    ui.conversation.addEventListener(
      "scroll",
      () => {
        followEnd = nearBottom();
        if (followEnd) ui.jumpToLatest.hidden = true;
      },
      { passive: true },
    );
    ui.jumpToLatest.addEventListener("click", () => {
      scrollToBottom();
      ui.message.focus();
    });
    ui.cancelEdit.addEventListener("click", () => {
      stopEditing();
      ui.message.focus();
    });
    ui.stop.addEventListener("click", stop);
    ui.model.addEventListener("change", () => storage.set(STORAGE_KEYS.model, ui.model.value));
    ui.clearHistory.addEventListener("click", clearHistory);
    document.addEventListener("visibilitychange", onVisible);
    window.addEventListener("pageshow", (event) => event.persisted && onVisible());
    window.addEventListener("online", onVisible);
  }

  async function init() {
    bindEvents();
    const saved = storage.get(STORAGE_KEYS.project);
    state.project = saved && PROJECT_PATTERN.test(saved) ? saved : DEFAULT_PROJECT;
    window.Relay.Health.start(() => isRunning() && state.current.stream.resume());
    await Promise.all([window.Relay.loadModels(ui, STORAGE_KEYS.model), sidebar.load()]);
    await selectProject(state.project);
    ui.app.dataset.ready = "true";
    ui.message.focus();
  }

  init();
})();
