/* Relay: Markdown rendering for streamed answers.
 *
 * An answer arrives a few characters at a time, so re-parsing all of it for every
 * chunk would make long answers quadratic. StreamRenderer keeps the finished blocks
 * rendered once and, for the block still being written, does work proportional to
 * what arrived since the last frame (see open-blocks.js): a code block gets its new
 * lines appended as text, a list its finished items, a table its finished rows. Any
 * other open block is re-rendered whole, at most once per animation frame.
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

  /** `html` parsed into a fragment (it is sanitized already). */
  function fragment(html) {
    const template = document.createElement("template");
    template.innerHTML = html;
    return template.content;
  }

  window.Relay = window.Relay || {};
  window.Relay.markdown = { render, escapeHtml, fragment, isFenceClose, FENCE_OPEN, BLANK };
})();
