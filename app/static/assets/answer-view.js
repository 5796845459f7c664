/* Relay: one exchange on the page — the user's message, the answer as it streams,
 * the agent's questions and the user's answers, its outcome and its actions
 * (copy, regenerate or retry, edit, delete; a copy button on every code block).
 *
 * AnswerView is what Relay.JobStream reports to (stream.js). What an action does is
 * the page's business: AnswerView calls the `actions` it was given.
 *
 * Uses Relay.markdown, Relay.questions, Relay.copyText, Relay.announce. Exports: Relay.AnswerView,
 * Relay.decorateCode.
 */
(() => {
  "use strict";

  const { StreamRenderer, render, fragment } = window.Relay.markdown;
  const { questionsForm, qaRecord } = window.Relay.questions;

  const CLAMP_CHARS = 600; // longer messages are shown folded
  const CLAMP_LINES = 8;
  const COPIED_MS = 2000;

  const STATUS_LABELS = {
    pending: "Queued",
    processing: "Thinking…",
    streaming: "Writing…",
    waiting_for_answers: "Waiting for your answers",
    complete: "Done",
    cancelled: "Stopped",
    error: "Failed",
  };
  /** A history entry's outcome as the view's state. */
  const OUTCOME_STATES = { complete: "done", cancelled: "cancelled", error: "error" };

  const $ = (selector, root) => root.querySelector(selector);

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function formatMs(ms) {
    if (ms < 1000) return `${Math.round(ms)} ms`;
    return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
  }

  /** Show "Copied" (or the failure) on `button` for a moment, and say it. */
  async function copyWithFeedback(button, text) {
    const ok = await window.Relay.copyText(text);
    const label = ok ? "Copied" : "Copy failed";
    const original = button.dataset.idleLabel || button.dataset.label || button.textContent;
    button.dataset.idleLabel = original;
    if (button.dataset.label !== undefined) button.dataset.label = label;
    else button.textContent = label;
    button.dataset.copied = ok ? "true" : "false";
    window.Relay.announce(ok ? "Copied to the clipboard" : "Could not copy");
    clearTimeout(button.copyTimer);
    button.copyTimer = setTimeout(() => {
      if (button.dataset.label !== undefined) button.dataset.label = original;
      else button.textContent = original;
      delete button.dataset.copied;
    }, COPIED_MS);
  }

  /** Give every code block in `root` (itself included) a copy button. */
  function decorateCode(root) {
    const blocks = root.matches?.("pre.code-block") ? [root] : root.querySelectorAll?.("pre.code-block") || [];
    for (const pre of blocks) {
      if ($(":scope > .copy-code", pre)) continue;
      // The label is drawn by CSS (data-label) so it is no part of the answer's text.
      const button = element("button", "copy-code");
      button.type = "button";
      button.dataset.label = "Copy";
      button.setAttribute("aria-label", `Copy ${pre.dataset.lang ? `${pre.dataset.lang} ` : ""}code`);
      button.addEventListener("click", () => copyWithFeedback(button, $("code", pre).textContent));
      pre.prepend(button);
    }
  }

  /** The DOM of one exchange: the user's message and the answer below it. */
  class AnswerView {
    /**
     * `actions`: { onRender(), answer(jobId, answers), focusComposer(), regenerate(view),
     * edit(view), remove(view) } — what the page does for this exchange.
     */
    constructor(template, message, { source, actions }) {
      this.li = template.content.cloneNode(true).firstElementChild;
      this.li.dataset.source = source;
      this.actions = actions;
      this.article = $(".answer", this.li);
      this.body = $(".answer-body", this.li);
      this.activityEl = $(".activity", this.li);
      this.qaEl = $(".qa-record", this.li);
      this.questionsEl = $(".questions", this.li);
      this.statusEl = $(".answer-status", this.li);
      this.latencyEl = $(".latency", this.li);
      this.buttons = {
        copy: $(".copy-answer", this.li),
        regenerate: $(".regenerate", this.li),
        retry: $(".retry", this.li),
        edit: $(".edit-message", this.li),
        remove: $(".delete-turn", this.li),
      };
      const bubble = $(".user-bubble", this.li);
      bubble.textContent = message;
      if (message.length > CLAMP_CHARS || message.split("\n").length > CLAMP_LINES) {
        this.clamp(bubble);
      }
      this.message = message;
      this.raw = "";
      this.t0 = null;
      this.renderer = null;
      this.exchangeId = null;
      this.outcome = null;
      this.buttons.copy.addEventListener("click", () =>
        copyWithFeedback(this.buttons.copy, this.answerText),
      );
      this.buttons.regenerate.addEventListener("click", () => actions.regenerate(this));
      this.buttons.retry.addEventListener("click", () => actions.regenerate(this));
      this.buttons.edit.addEventListener("click", () => actions.edit(this));
      this.buttons.remove.addEventListener("click", () => actions.remove(this));
      this.li.view = this;
    }

    /** The answer's Markdown source so far. */
    get answerText() {
      return this.renderer ? this.renderer.text : this.raw;
    }

    get finished() {
      return this.outcome !== null;
    }

    /** Show a long message folded, with a button to unfold it. */
    clamp(bubble) {
      bubble.classList.add("clamped");
      const toggle = element("button", "link-button bubble-toggle", "Show more");
      toggle.type = "button";
      toggle.setAttribute("aria-expanded", "false");
      toggle.addEventListener("click", () => {
        const folded = bubble.classList.toggle("clamped");
        toggle.textContent = folded ? "Show more" : "Show less";
        toggle.setAttribute("aria-expanded", String(!folded));
      });
      bubble.after(toggle);
    }

    /** A finished exchange from the history: rendered once, with its outcome. */
    showEntry(entry) {
      this.raw = entry.assistant || "";
      const rendered = fragment(render(this.raw));
      for (const child of rendered.children) decorateCode(child);
      this.body.replaceChildren(rendered);
      if (entry.job_id) this.bind(entry.job_id);
      this.exchangeId = entry.id || null;
      this.li.dataset.exchangeId = this.exchangeId || "";
      for (const round of entry.qa || []) this.recordAnswers(round.questions, round.answers);
      const outcome = entry.outcome || "complete";
      this.outcome = outcome;
      const state = OUTCOME_STATES[outcome] || "done";
      this.setState(state, state === "done" ? "" : STATUS_LABELS[outcome]);
      if (outcome === "error") this.activity(entry.error || "The job failed.");
    }

    /** Prepare for streaming; `t0` is performance.now() at submit, or null when reattaching. */
    startStreaming(t0) {
      this.t0 = t0;
      this.renderer = new StreamRenderer(this.body, {
        onRender: () => this.actions.onRender(),
        decorate: decorateCode,
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

    /** Which actions show: `latest` exchange of the conversation, `busy` while a job runs. */
    setActions({ latest, busy }) {
      const done = this.finished;
      const idle = done && !busy;
      const failed = this.outcome === "error";
      this.buttons.copy.hidden = !this.answerText;
      this.buttons.regenerate.hidden = !(idle && latest && !failed && this.exchangeId);
      this.buttons.retry.hidden = !(idle && latest && failed && this.exchangeId);
      this.buttons.edit.hidden = !(idle && latest && this.exchangeId);
      this.buttons.remove.hidden = !(done && this.exchangeId);
    }

    /** Mark this exchange as the one being edited in the composer. */
    setEditing(editing) {
      this.li.classList.toggle("editing", editing);
    }

    recordAnswers(questions, answers) {
      if (!questions || !questions.length) return;
      this.qaEl.append(qaRecord(questions, answers || []));
      this.qaEl.hidden = false;
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
        const hadFocus = form.contains(document.activeElement) || !document.activeElement
          || document.activeElement === document.body;
        await this.actions.answer(this.jobId, answers);
        this.recordAnswers(list, answers);
        // The stream may already have moved on (even finished) before this reply.
        if (hadFocus) this.actions.focusComposer();
        if (!form.isConnected) return;
        this.hideQuestions();
        if (this.article.dataset.state === "waiting") this.setState("pending", STATUS_LABELS.pending);
      });
      this.questionsEl.replaceChildren(form);
      this.questionsEl.hidden = false;
      const first = form.querySelector(".question-input");
      if (first) first.focus();
      this.actions.onRender();
    }

    hideQuestions() {
      const hadFocus = this.questionsEl.contains(document.activeElement);
      this.questionsEl.hidden = true;
      this.questionsEl.replaceChildren();
      if (hadFocus) this.actions.focusComposer();
    }

    finish(outcome, detail) {
      if (outcome === "done" && detail.replaced) this.renderer.replace(detail.result);
      else this.renderer.flush(true);
      this.hideQuestions();
      this.activity(outcome === "error" ? detail.message || "The job failed." : "");
      delete this.activityEl.dataset.kind;
      if (outcome === "done" && detail.truncated) {
        // The backend stopped before the answer was whole (token limit, interrupted).
        const why = detail.finishReason === "length" ? " (length limit reached)" : "";
        this.activity(`The answer was cut short${why}.`);
        this.article.dataset.truncated = "true";
      }
      this.article.setAttribute("aria-busy", "false");
      const state = outcome === "done" ? "done" : outcome;
      this.outcome = outcome === "done" ? "complete" : outcome;
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
      this.onFinish?.(outcome, detail);
    }

    /** The start request failed: nothing was sent. */
    notSent(message) {
      this.renderer.flush(true);
      this.outcome = "error";
      this.setState("error", STATUS_LABELS.error);
      this.article.setAttribute("aria-busy", "false");
      this.activity(`Not sent: ${message}`);
    }
  }

  window.Relay.AnswerView = AnswerView;
  window.Relay.decorateCode = decorateCode;
  window.Relay.STATUS_LABELS = STATUS_LABELS;
})();
