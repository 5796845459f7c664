/* Relay: how the block still being written is shown at a cost that does not grow
 * with it (see renderer.js for where each is used).
 *
 *   OpenCode   a fence at column 0: new complete lines appended as text;
 *   OpenList   a list without a blank line: finished items rendered, moved into one list;
 *   OpenTable  header + delimiter row: finished rows rendered, moved into one table.
 *
 * A strategy that meets what it cannot merge exactly sets `failed`; the renderer then
 * renders the block whole. Exports: Relay.markdown.openBlocks.
 */
(() => {
  "use strict";

  const { render, fragment, isFenceClose, BLANK } = window.Relay.markdown;

  const LINES_PER_BLOCK = 40;
  const ROWS_PER_TABLE = 40;
  const LIST_MARKER = /^(?:([*+-])|\d{1,9}([.)]))[ \t]/;
  const HEADING = /^#{1,6}(?:[ \t]|\r?$)/;
  const TABLE_DELIMITER = /^\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*\r?$/;

  const listSignature = (line) => {
    const match = LIST_MARKER.exec(line);
    return match ? match[1] || match[2] : null;
  };

  /** Lines of `source` from `from`: [start, end) of each complete one. */
  function* lines(source, from) {
    let pos = from;
    for (;;) {
      const end = source.indexOf("\n", pos);
      if (end === -1) return;
      yield [pos, end];
      pos = end + 1;
    }
  }

  /** A fenced code block being written: its lines are appended as plain text. */
  class OpenCode {
    constructor(renderer, start, fenceEnd, fence, lang) {
      this.renderer = renderer;
      this.start = start;
      this.fence = fence;
      this.cursor = fenceEnd + 1;
      this.closed = false;
      const pre = document.createElement("pre");
      pre.className = "code-block";
      if (lang) pre.dataset.lang = lang;
      this.code = document.createElement("code");
      this.code.className = "hljs";
      this.partial = document.createTextNode("");
      const partialLine = document.createElement("span");
      partialLine.className = "code-lines";
      partialLine.append(this.partial);
      this.code.append(partialLine);
      this.lastLines = null;
      pre.append(this.code);
      renderer.openEl.replaceChildren(pre);
    }

    update(source) {
      let done = "";
      for (const [start, end] of lines(source, this.cursor)) {
        if (this.closed) break;
        const line = source.slice(start, end);
        if (isFenceClose(line, this.fence)) this.closed = true;
        else done += `${line}\n`;
        this.cursor = end + 1;
      }
      if (done) this.appendLines(done);
      this.partial.data = this.closed ? "" : source.slice(this.cursor);
      return "";
    }

    /** Lines go into blocks of LINES_PER_BLOCK lines: layout redoes only the last one. */
    appendLines(text) {
      if (!this.lastLines || this.lastLines.count >= LINES_PER_BLOCK) {
        const block = document.createElement("span");
        block.className = "code-lines";
        block.count = 0;
        this.code.insertBefore(block, this.partial.parentNode);
        this.lastLines = block;
      }
      this.lastLines.append(text);
      this.lastLines.count += text.split("\n").length - 1;
    }

    /** Highlighting needs the whole block: it is rendered again, once. */
    finish() {
      return false;
    }
  }

  /** Merges rendered segments of one list or table into the element in `.md-open`. */
  class OpenMerged {
    constructor(renderer, start) {
      this.renderer = renderer;
      this.start = start;
      this.element = null;
      this.failed = false;
    }

    /** Render `markdown` and move what it adds into this block's element; false if it can't. */
    merge(markdown, expectedTag) {
      const parsed = fragment(render(markdown));
      const top = parsed.children;
      if (top.length !== 1 || top[0].tagName !== expectedTag) {
        this.failed = true;
        return false;
      }
      if (!this.element) {
        this.element = top[0];
        this.renderer.decorate(this.element);
        this.renderer.openEl.replaceChildren(this.element);
        return true;
      }
      this.append(top[0]);
      return true;
    }
  }

  /** A list with no blank line so far: each finished item is rendered once. */
  class OpenList extends OpenMerged {
    constructor(renderer, start, signature, ordered) {
      super(renderer, start);
      this.signature = signature;
      this.tag = ordered ? "OL" : "UL";
      this.itemStart = start;
      this.cursor = start;
    }

    update(source) {
      let lastItem = this.itemStart;
      for (const [start, end] of lines(source, this.cursor)) {
        const line = source.slice(start, end);
        if (BLANK.test(line)) {
          // Wait for the next line: at column 0 it ends the list (a boundary); indented,
          // the list is loose, and its items render differently: no merging then.
          const next = source[end + 1];
          if (next !== undefined && /[ \t]/.test(next)) this.failed = true;
          break;
        }
        if (start > this.itemStart && listSignature(line) === this.signature) lastItem = start;
        this.cursor = end + 1;
      }
      if (lastItem > this.itemStart) {
        if (!this.merge(source.slice(this.itemStart, lastItem), this.tag)) return null;
        this.itemStart = lastItem;
      }
      return source.slice(this.itemStart);
    }

    append(list) {
      for (const item of [...list.children]) {
        this.renderer.decorate(item);
        this.element.append(item);
      }
    }

    finish(source, end) {
      if (this.failed) return false;
      return end <= this.itemStart || this.merge(source.slice(this.itemStart, end), this.tag);
    }
  }

  /** A table: the header is rendered with each batch of finished rows, whose rows move. */
  class OpenTable extends OpenMerged {
    constructor(renderer, start, headerEnd) {
      super(renderer, start);
      this.header = renderer.source.slice(start, headerEnd);
      this.rowStart = headerEnd;
    }

    update(source) {
      const lastNewline = source.lastIndexOf("\n");
      if (lastNewline + 1 > this.rowStart || !this.element) {
        const rows = source.slice(this.rowStart, Math.max(lastNewline + 1, this.rowStart));
        if (!this.merge(this.header + rows, "TABLE")) return null;
        this.rowStart = Math.max(lastNewline + 1, this.rowStart);
      }
      return ""; // a row shows when its line is complete
    }

    /**
     * Rows go into tables of ROWS_PER_TABLE rows stacked under the first one (fixed
     * layout, equal columns, so they line up): a new row lays out one small table,
     * not the whole one. finish() gathers them into the first table.
     */
    append(table) {
      const rows = table.tBodies[0] ? [...table.tBodies[0].rows] : [];
      for (const row of rows) {
        if (!this.body || this.body.rows.length >= ROWS_PER_TABLE) this.nextBody();
        this.body.append(row);
      }
    }

    nextBody() {
      if (!this.body) {
        this.body = this.element.tBodies[0] || this.element.createTBody();
        if (this.body.rows.length < ROWS_PER_TABLE) return;
      }
      const more = document.createElement("table");
      more.className = "md-rows";
      this.body = more.createTBody();
      this.renderer.openEl.append(more);
    }

    finish(source, end) {
      if (this.failed) return false;
      const rest = source.slice(this.rowStart, end);
      if (rest.trim() && !this.merge(this.header + rest, "TABLE")) return false;
      const stacked = [...this.renderer.openEl.querySelectorAll(":scope > table.md-rows")];
      if (stacked.length) {
        const body = this.element.tBodies[0] || this.element.createTBody();
        for (const more of stacked) {
          body.append(...more.tBodies[0].rows);
          more.remove();
        }
      }
      return true;
    }
  }

  window.Relay.markdown.openBlocks = {
    OpenCode,
    OpenList,
    OpenTable,
    listSignature,
    lines,
    HEADING,
    TABLE_DELIMITER,
  };
})();
