/* Relay: one job's event stream, applied exactly once to its answer.
 *
 * EventSource reconnects by itself after a dropped connection and sends
 * Last-Event-ID. When it gives up (the proxy answered an error, say), a new one is
 * opened with ?last_event_id=N, N being the last sequence number applied. Events
 * with a sequence number already applied are ignored, so replayed text is never
 * shown twice.
 *
 * Exports: Relay.JobStream.
 */
(() => {
  "use strict";

  const EVENT_TYPES = ["status", "activity", "chunk", "questions", "done", "error"];
  const FINISHED = new Set(["complete", "error", "cancelled"]);
  const REOPEN_FIRST_MS = 1000;
  const REOPEN_MAX_MS = 5000;

  function withLastEventId(url, seq) {
    if (!seq) return url;
    const target = new URL(url, window.location.href);
    target.searchParams.set("last_event_id", String(seq));
    return target.pathname + target.search;
  }

  /**
   * Follows job `jobId` and reports to `view` (see AnswerView in app.js):
   * text(delta) / reset() / status(name) / activity(text) / questions(list) /
   * connection("live" | "reconnecting") / firstToken() / finish(outcome, detail).
   */
  class JobStream {
    constructor({ jobId, streamUrl, view, fetchSnapshot }) {
      this.jobId = jobId;
      this.streamUrl = streamUrl || `/api/sse/status/${encodeURIComponent(jobId)}`;
      this.view = view;
      this.fetchSnapshot = fetchSnapshot;
      this.lastSeq = 0;
      this.text = "";
      this.status = "pending";
      this.finished = false;
      this.detached = false;
      this.source = null;
      this.reopenTimer = 0;
      this.reopenDelay = REOPEN_FIRST_MS;
      this.sawChunk = false;
    }

    /** Open (or reopen) the stream, resuming after the last applied event. */
    open() {
      if (this.finished || this.detached) return;
      this.closeSource();
      const source = new EventSource(withLastEventId(this.streamUrl, this.lastSeq));
      this.source = source;
      for (const type of EVENT_TYPES) {
        source.addEventListener(type, (event) => this.onEvent(type, event));
      }
      source.onopen = () => {
        this.reopenDelay = REOPEN_FIRST_MS;
        this.view.connection("live");
      };
      source.onerror = () => this.onError(source);
    }

    /** Reopen if the connection is gone (tab shown again, network back online). */
    resume() {
      if (this.finished || this.detached) return;
      if (!this.source || this.source.readyState === EventSource.CLOSED) {
        clearTimeout(this.reopenTimer);
        this.reopenDelay = REOPEN_FIRST_MS;
        this.open();
      }
    }

    /** Stop following without touching the job (it keeps running on the server). */
    detach() {
      this.detached = true;
      this.closeSource();
    }

    closeSource() {
      clearTimeout(this.reopenTimer);
      if (this.source) {
        this.source.onerror = null;
        this.source.close();
        this.source = null;
      }
    }

    onError(source) {
      if (source !== this.source || this.finished || this.detached) return;
      if (this.status === "complete") {
        // The final status arrived but the stream closed before `done`.
        this.closeSource();
        this.settleFromSnapshot();
        return;
      }
      this.view.connection("reconnecting");
      if (source.readyState !== EventSource.CLOSED) return; // the browser retries by itself
      clearTimeout(this.reopenTimer);
      this.reopenTimer = setTimeout(() => this.open(), this.reopenDelay);
      this.reopenDelay = Math.min(this.reopenDelay * 2, REOPEN_MAX_MS);
    }

    onEvent(type, event) {
      if (this.finished || this.detached) return;
      let data;
      try {
        data = JSON.parse(event.data);
      } catch {
        return;
      }
      const seq = Number(data.seq ?? event.lastEventId);
      if (!(seq > this.lastSeq)) return; // already applied before a reconnect
      this.lastSeq = seq;
      this.view.connection("live");
      switch (type) {
        case "chunk":
          return this.onChunk(data.text || "");
        case "status":
          return this.onStatus(data);
        case "activity":
          return this.view.activity(data.text || "");
        case "questions":
          return this.view.questions(Array.isArray(data.questions) ? data.questions : []);
        case "done":
          return this.onDone(data);
        case "error":
          return this.finish("error", { message: data.message || "The job failed." });
        default:
          return undefined;
      }
    }

    onChunk(text) {
      if (!this.sawChunk) {
        this.sawChunk = true;
        this.view.firstToken();
      }
      this.text += text;
      this.view.text(text);
    }

    onStatus(data) {
      if (data.reset) {
        // The job restarted on another watcher: what was shown is void.
        this.text = "";
        this.view.reset();
      }
      this.status = data.status || this.status;
      if (this.status === "cancelled") return this.finish("cancelled", {});
      if (this.status === "error") {
        return this.finish("error", { message: data.message || "The job failed." });
      }
      this.view.status(this.status);
      return undefined;
    }

    onDone(data) {
      const result = typeof data.result === "string" ? data.result : this.text;
      this.finish("done", {
        result,
        replaced: result !== this.text,
        // false, or the tier that answered: "exact", "semantic" (with its similarity)
        cached: typeof data.cached === "string" ? data.cached : data.cached ? "exact" : false,
        similarity: typeof data.similarity === "number" ? data.similarity : null,
        truncated: data.truncated === true,
        finishReason: data.finish_reason ?? null,
        timings: data.timings || null,
      });
    }

    /** The stream ended without its last event: take the outcome from the snapshot. */
    async settleFromSnapshot() {
      if (this.finished || !this.fetchSnapshot) return;
      try {
        const snap = await this.fetchSnapshot(this.jobId);
        if (this.finished) return;
        if (snap.status === "complete") {
          const result = typeof snap.result === "string" ? snap.result : this.text;
          this.finish("done", { result, replaced: result !== this.text, timings: snap.timings });
        } else if (FINISHED.has(snap.status)) {
          this.finish(snap.status, { message: snap.error || snap.message || "" });
        } else {
          this.status = snap.status;
          this.open();
        }
      } catch {
        if (!this.finished) {
          this.reopenTimer = setTimeout(() => this.settleFromSnapshot(), this.reopenDelay);
        }
      }
    }

    finish(outcome, detail) {
      if (this.finished) return;
      this.finished = true;
      this.status = outcome === "done" ? "complete" : outcome;
      if (outcome === "done") this.text = detail.result;
      this.closeSource();
      this.view.finish(outcome, detail);
    }
  }

  window.Relay = window.Relay || {};
  window.Relay.JobStream = JobStream;
})();
