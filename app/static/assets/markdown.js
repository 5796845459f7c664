/* Relay: Markdown rendering for streamed answers.
 *
 * An answer arrives a few characters at a time, so re-parsing all of it for every
 * chunk would make long answers quadratic. StreamRenderer keeps the finished blocks
 * (text before a blank line outside a code fence) rendered once, and re-renders only
 * the last, still-open block, at most once per animation frame.
 *
 * Globals used: marked, hljs, DOMPurify (assets/vendor.js). Exports: Relay.markdown.
 */
(() => {
  "use strict";

  const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;
  const BLANK = /^[ \t]*\r?$/;

  function escapeHtml(text) {
    return String(text)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&#39;");
  }

  // Whether code blocks are highlighted in the render in progress: the open block at
  // the end of a stream is shown plain, and highlighted once when it is finished.
  let highlighting = true;

  const parser = new marked.Marked({ gfm: true, breaks: false });
  parser.use({
    renderer: {
      // An agent's answer is text: raw HTML in it is shown, never interpreted.
      html({ text }) {
        return escapeHtml(text);
      },
      code({ text, lang }) {
        const language = ((lang || "").match(/^\S*/) || [""])[0].toLowerCase();
        const known = language && hljs.getLanguage(language);
        const body =
          highlighting && known
            ? hljs.highlight(text, { language, ignoreIllegals: true }).value
            : escapeHtml(text);
        const label = language ? ` data-lang="${escapeHtml(language)}"` : "";
        const cls = known ? `hljs language-${escapeHtml(language)}` : "hljs";
        return `<pre class="code-block"${label}><code class="${cls}">${body}\n</code></pre>\n`;
      },
    },
  });

  DOMPurify.addHook("afterSanitizeAttributes", (node) => {
    if (node.tagName === "A" && node.hasAttribute("href")) {
      node.setAttribute("target", "_blank");
      node.setAttribute("rel", "noopener noreferrer");
    }
  });

  /** Markdown source to sanitized HTML. */
  function render(source, { highlight = true } = {}) {
    highlighting = highlight;
    try {
      return DOMPurify.sanitize(parser.parse(source), { ADD_ATTR: ["target"] });
    } finally {
      highlighting = true;
    }
  }

  function isFenceClose(line, fence) {
    const match = /^ {0,3}(`{3,}|~{3,})[ \t]*\r?$/.exec(line);
    return Boolean(match && match[1][0] === fence[0] && match[1].length >= fence.length);
  }

  /**
   * Renders a growing Markdown text into `root`, incrementally.
   *
   * `append()` only records text and asks for an animation frame; the frame commits
   * every block that can no longer change and re-renders the open tail block.
   */
  class StreamRenderer {
    constructor(root, { onRender } = {}) {
      this.root = root;
      this.onRender = onRender || (() => {});
      this.frame = 0;
      this.reset();
    }

    /** Forget everything shown (e.g. the job restarted on another watcher). */
    reset() {
      if (this.frame) cancelAnimationFrame(this.frame);
      this.frame = 0;
      this.source = "";
      this.committed = 0; // source[0:committed] is rendered in doneEl for good
      this.scanned = 0; // start of the first line not yet classified
      this.fence = null; // the opening fence while inside a fenced code block
      this.previousBlank = false;
      this.doneEl = document.createElement("div");
      this.doneEl.className = "md-done";
      this.tailEl = document.createElement("div");
      this.tailEl.className = "md-tail";
      this.root.replaceChildren(this.doneEl, this.tailEl);
    }

    get text() {
      return this.source;
    }

    append(text) {
      if (!text) return;
      this.source += text;
      if (!this.frame) {
        this.frame = requestAnimationFrame(() => {
          this.frame = 0;
          this.flush(false);
        });
      }
    }

    /** Replace the whole text (e.g. the final result differs from what streamed). */
    replace(text) {
      this.reset();
      this.source = text;
      this.flush(true);
    }

    /** Render now; `final` also commits (and highlights) the last block. */
    flush(final) {
      if (this.frame) cancelAnimationFrame(this.frame);
      this.frame = 0;
      const boundary = final ? this.source.length : this.scanBoundary();
      if (boundary > this.committed) {
        const block = this.source.slice(this.committed, boundary);
        this.doneEl.insertAdjacentHTML("beforeend", render(block));
        this.committed = boundary;
      }
      const tail = this.source.slice(this.committed);
      this.tailEl.innerHTML = tail ? render(tail, { highlight: false }) : "";
      this.onRender();
    }

    /**
     * Classify the complete lines received since the last call and return the start
     * of the last line that begins a new top-level block: a line at column 0 after a
     * blank line, outside any code fence. Everything before it is final.
     */
    scanBoundary() {
      let boundary = this.committed;
      let pos = this.scanned;
      const source = this.source;
      for (;;) {
        const end = source.indexOf("\n", pos);
        if (end === -1) break;
        const line = source.slice(pos, end);
        if (this.fence) {
          if (isFenceClose(line, this.fence)) this.fence = null;
          this.previousBlank = false;
        } else if (BLANK.test(line)) {
          this.previousBlank = true;
        } else {
          if (this.previousBlank && !/^\s/.test(line)) boundary = pos;
          this.previousBlank = false;
          const open = FENCE_OPEN.exec(line);
          if (open) this.fence = open[1];
        }
        pos = end + 1;
      }
      this.scanned = pos;
      // The first character of the line being written is enough to know that the
      // blank line before it ended the previous block.
      if (!this.fence && this.previousBlank && pos < source.length && !/\s/.test(source[pos])) {
        boundary = pos;
      }
      return boundary;
    }
  }

  window.Relay = window.Relay || {};
  window.Relay.markdown = { render, escapeHtml, StreamRenderer };
})();
