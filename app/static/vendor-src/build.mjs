// Concatenate the vendored libraries into one classic script (globals: marked,
// hljs, DOMPurify) and one stylesheet. Usage: node build.mjs NODE_MODULES OUT_DIR
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";

const [modules, out] = process.argv.slice(2);
const require = createRequire(join(modules, "noop.js"));
const { minify } = require("terser");
const read = (path) => readFileSync(join(modules, path), "utf8");

// Languages an agent's answer most often contains; anything else renders unhighlighted.
const LANGUAGES = [
  "bash", "c", "cpp", "diff", "dockerfile", "go", "ini", "java", "javascript", "json",
  "makefile", "markdown", "plaintext", "python", "python-repl", "rust", "shell", "sql",
  "typescript", "xml", "yaml",
];

const hljsCore = read("@highlightjs/cdn-assets/es/core.min.js").replace(
  /export\s*\{\s*(\w+)\s+as\s+default\s*\}\s*;?\s*$/,
  "globalThis.hljs=$1;",
);
if (hljsCore.includes("export{")) throw new Error("highlight.js core: unexpected module shape");

const marked = (await minify(read("marked/lib/marked.umd.js"), { compress: true, mangle: true })).code;

const version = (pkg) => JSON.parse(read(`${pkg}/package.json`)).version;
const banner = `/*! Relay vendor bundle: marked ${version("marked")} (MIT), highlight.js ${version(
  "@highlightjs/cdn-assets",
)} (BSD-3-Clause), DOMPurify ${version("dompurify")} (MPL-2.0 or Apache-2.0). Built by app/static/vendor-src/build.mjs. */\n`;

const parts = [
  banner,
  marked,
  read("dompurify/dist/purify.min.js").replace(/\/\/# sourceMappingURL=.*$/m, ""),
  `(()=>{"use strict";${hljsCore}})();`,
  ...LANGUAGES.map((lang) => read(`@highlightjs/cdn-assets/languages/${lang}.min.js`)),
];
writeFileSync(join(out, "vendor.js"), parts.join("\n;\n") + "\n");

// Light theme by default, dark theme when the system asks for it.
const light = read("@highlightjs/cdn-assets/styles/github.min.css");
const dark = read("@highlightjs/cdn-assets/styles/github-dark.min.css");
writeFileSync(
  join(out, "vendor.css"),
  `/*! highlight.js GitHub themes (BSD-3-Clause) */\n${light}\n@media (prefers-color-scheme: dark){${dark}}\n`,
);
console.log("wrote vendor.js and vendor.css to", out);
