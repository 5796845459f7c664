/* Relay: StreamRenderer, a growing Markdown answer rendered at a cost per frame that
 * does not grow with the answer.
 *
 * The text is cut into top-level blocks as lines complete: a line at column 0 after
 * a blank line, a fence or heading at column 0, the line after a closed fence or a
 * heading. Finished blocks are rendered once into `.md-done`. The block still being
 * written (the "open" block) is kept in `.md-open` by a strategy of its kind:
 *
 *   code  (a fence at column 0)  new complete lines appended as text; highlighted
 *                                once, when the block is finished;
 *   list  (no blank line yet)    finished items rendered and moved into one list;
 *   table (header + delimiter)   finished rows rendered and moved into one table;
 *   other                        the whole block re-rendered (it is short: blocks end
 *                                at blank lines).
 *
 * (the strategies are in open-blocks.js). The part of the open block no strategy has
 * taken yet is rendered into `.md-tail`.
 * A strategy that meets something it cannot merge exactly gives up, and the block is
 * rendered whole: the result always equals a full render of the same text.
 *
 * Uses Relay.markdown (markdown.js, open-blocks.js). Exports: Relay.markdown.StreamRenderer.
 */
(() => {
  "use strict";

  const { render, fragment, isFenceClose, FENCE_OPEN, BLANK } = window.Relay.markdown;

  const { OpenCode, OpenList, OpenTable, listSignature, lines, HEADING, TABLE_DELIMITER } =
    window.Relay.markdown.openBlocks;

  // ------------------------------------------------------------- renderer --

  /**
   * Renders a growing Markdown text into `root`, incrementally.
   *
   * `append()` only records text and asks for an animation frame; the frame commits
   * the blocks that can no longer change and advances the open one.
   * `decorate(element)` is called on every element added to the finished part (the
   * page adds copy buttons to code blocks there).
   */
  class StreamRenderer {
    constructor(root, { onRender, decorate } = {}) {
      this.root = root;
      this.onRender = onRender || (() => {});
      this.decorate = decorate || (() => {});
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
      this.blockEnded = false; // the last line ended its block (heading, closing fence)
      this.open = null; // the strategy of the open block, once its kind is known
      this.doneEl = document.createElement("div");
      this.doneEl.className = "md-done";
      this.openEl = document.createElement("div");
      this.openEl.className = "md-open";
      this.tailEl = document.createElement("div");
      this.tailEl.className = "md-tail";
      this.root.replaceChildren(this.doneEl, this.openEl, this.tailEl);
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
      const boundaries = this.scan(final ? `${this.source}\n` : this.source);
      if (final) boundaries.push(this.source.length);
      for (const boundary of boundaries) {
        if (boundary > this.committed) this.commit(Math.min(boundary, this.source.length));
      }
      this.tailEl.innerHTML = final ? "" : this.advanceOpen();
      this.markCaret(final);
      this.onRender();
    }

    /** Mark where the streaming caret goes: after the last text, not below the last block. */
    markCaret(final) {
      if (this.caretEl) {
        this.caretEl.classList.remove("caret");
        if (!this.caretEl.classList.length) this.caretEl.removeAttribute("class");
      }
      this.caretEl = null;
      if (final) return;
      let element = [this.tailEl, this.openEl, this.doneEl].find((el) => el.lastElementChild);
      if (!element) return;
      for (;;) {
        let last = element.lastChild;
        while (last && last.nodeType === Node.TEXT_NODE && !/\S/.test(last.data)) {
          last = last.previousSibling;
        }
        if (!last || last.nodeType !== Node.ELEMENT_NODE || element.tagName === "PRE") break;
        element = last;
      }
      this.caretEl = element;
      element.classList.add("caret");
    }

    /** Everything up to `end` is final: the open block's strategy finishes it, or it renders. */
    commit(end) {
      const open = this.open;
      this.open = null;
      if (open && open.start === this.committed && open.finish(this.source, end)) {
        this.doneEl.append(...this.openEl.childNodes);
      } else {
        this.openEl.replaceChildren();
        const rendered = fragment(render(this.source.slice(this.committed, end)));
        for (const element of rendered.children) this.decorate(element);
        this.doneEl.append(rendered);
      }
      this.committed = end;
    }

    /** Advance the open block; the HTML of what is left for the tail. */
    advanceOpen() {
      const source = this.source;
      if (!this.open) this.open = this.detect(source, this.committed);
      if (this.open && this.open !== "plain") {
        const rest = this.open.update(source);
        if (rest !== null && !this.open.failed) return rest ? render(rest, { highlight: false }) : "";
        this.open = "plain"; // the strategy gave up: render the block whole from now on
        this.openEl.replaceChildren();
      }
      const tail = source.slice(this.committed);
      return tail ? render(tail, { highlight: false }) : "";
    }

    /** The strategy for the block starting at `start`; null while its kind is unknown. */
    detect(source, start) {
      const firstEnd = source.indexOf("\n", start);
      if (firstEnd === -1) return null;
      const first = source.slice(start, firstEnd);
      const fence = /^(`{3,}|~{3,})([^`]*)$/.exec(first);
      if (fence) {
        const lang = (fence[2].trim().match(/^\S*/) || [""])[0].toLowerCase();
        return new OpenCode(this, start, firstEnd, fence[1], lang);
      }
      const signature = listSignature(first);
      if (signature) return new OpenList(this, start, signature, /^\d/.test(first));
      if (first.includes("|")) {
        const secondEnd = source.indexOf("\n", firstEnd + 1);
        if (secondEnd === -1) return null;
        if (TABLE_DELIMITER.test(source.slice(firstEnd + 1, secondEnd))) {
          return new OpenTable(this, start, secondEnd + 1);
        }
      }
      return "plain";
    }

    /**
     * Classify the complete lines of `source` received since the last call; the
     * starts of the top-level blocks they begin. Everything before one is final.
     */
    scan(source) {
      const boundaries = [];
      let pos = this.scanned;
      for (const [start, end] of lines(source, this.scanned)) {
        const line = source.slice(start, end);
        pos = end + 1;
        if (this.fence) {
          if (isFenceClose(line, this.fence.marker)) {
            this.fence = null;
            this.blockEnded = this.blockEnded || this.fenceAtColumn0;
          }
          this.previousBlank = false;
          continue;
        }
        if (BLANK.test(line)) {
          this.previousBlank = true;
          continue;
        }
        const column0 = !/^\s/.test(line);
        const open = FENCE_OPEN.exec(line);
        const startsBlock =
          (this.previousBlank && column0) ||
          this.blockEnded ||
          (column0 && (open !== null || HEADING.test(line)));
        if (startsBlock && start > 0) boundaries.push(start);
        this.previousBlank = false;
        this.blockEnded = column0 && HEADING.test(line);
        if (open) {
          this.fence = { marker: open[1] };
          this.fenceAtColumn0 = column0;
          this.blockEnded = false;
        }
      }
      this.scanned = Math.min(pos, this.source.length);
      // The first character of the line being written is enough to know that the
      // blank line before it ended the previous block.
      const next = this.scanned;
      if (
        !this.fence &&
        (this.previousBlank || this.blockEnded) &&
        next < this.source.length &&
        !/\s/.test(this.source[next])
      ) {
        boundaries.push(next);
      }
      return boundaries;
    }
  }

  window.Relay.markdown.StreamRenderer = StreamRenderer;
})();
