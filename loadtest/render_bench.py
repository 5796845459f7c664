"""Per-frame cost of rendering a streamed answer in the browser, by block type and size.

Headless Chromium (Debian's, as the browser tests use) loads the page's own scripts
and styles; for each block type (paragraphs, a list, a table, a code block: the last
three without a blank line, so the whole answer is one open block) an answer of
100 KB is fed to a StreamRenderer ``--chunk`` characters per frame. Each frame is
timed as the page pays for it: ``flush()`` plus the style and layout it causes (a
forced layout read). Reported at 5, 20, 50 and 100 KB: the median and the worst of
the ``--window`` frames before that size, and the one-off cost of the final flush
(the block's end: a code block is highlighted then).

    python -m loadtest.render_bench                      # this tree's renderer
    python -m loadtest.render_bench --markdown OLD.js    # another markdown.js (before/after)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
from pathlib import Path

from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parents[1]
ASSETS = ROOT / "app" / "static" / "assets"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SIZES_KB = (5, 20, 50, 100)

#: JavaScript building 100 KB of each block type (fixed content: runs are comparable).
_SOURCES = r"""([kind, bytes]) => {
  const words = 'the relay streams every token to the page as soon as the agent writes it';
  let out = '';
  let n = 0;
  if (kind === 'table') out = '| # | name | value | note |\n|---|---|---|---|\n';
  if (kind === 'code') out = '```python\n';
  while (out.length < bytes) {
    n += 1;
    if (kind === 'paragraphs') out += `Paragraph ${n}: ${words}, ${words}, and **${n}** more.\n\n`;
    if (kind === 'list') out += `- item ${n}: ${words} with \`code ${n}\`\n`;
    if (kind === 'table') out += `| ${n} | row ${n} | ${n * 7} | ${words.slice(0, 30)} |\n`;
    if (kind === 'code') out += `def step_${n}(value: int) -> int:\n`;
    if (kind === 'code') out += `    return value * ${n}  # ${words.slice(0, 24)}\n`;
  }
  if (kind === 'code') out += '```\n';
  return out;
}
"""

_RUN = r"""async ([source, chunk, sizes, frameWindow, layout]) => {
  const { StreamRenderer } = window.Relay.markdown;
  const host = document.createElement('div');
  host.className = 'markdown';
  host.style.width = '760px';
  document.body.replaceChildren(host);
  const renderer = new StreamRenderer(host);
  const frames = [];
  for (let at = 0; at < source.length; at += chunk) {
    renderer.append(source.slice(at, at + chunk));
    const t0 = performance.now();
    renderer.flush(false);
    if (layout) void host.offsetHeight; // the style and layout this frame caused
    frames.push([at + chunk, performance.now() - t0]);
  }
  const t0 = performance.now();
  renderer.flush(true);
  void host.offsetHeight;
  const finalMs = performance.now() - t0;
  const report = {};
  for (const kb of sizes) {
    const upto = kb * 1024;
    const near = frames.filter(([size]) => size <= upto).slice(-frameWindow).map(([, ms]) => ms);
    near.sort((a, b) => a - b);
    report[kb] = { median: near[Math.floor(near.length / 2)], max: near[near.length - 1] };
  }
  return { report, finalMs };
}
"""


async def measure(markdown: Path, chunk: int, window: int, layout: bool = True) -> dict[str, dict]:
    """{block type: {"report": {kb: {median, max}}, "finalMs": ms}}."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    results: dict[str, dict] = {}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=chromium, headless=True, args=CHROMIUM_ARGS
        )
        try:
            for kind in ("paragraphs", "list", "table", "code"):
                page = await browser.new_page(viewport={"width": 1280, "height": 800})
                page.on("pageerror", lambda error: print("page error:", error))
                await page.set_content("<!doctype html><html><body></body></html>")
                for css in ("vendor.css", "app.css"):
                    await page.add_style_tag(path=str(ASSETS / css))
                scripts = [ASSETS / "vendor.js", markdown]
                if markdown == ASSETS / "markdown.js":
                    scripts += [ASSETS / "open-blocks.js", ASSETS / "renderer.js"]
                for script in scripts:
                    await page.add_script_tag(path=str(script))
                source = await page.evaluate(_SOURCES, [kind, 100 * 1024 + 64])
                results[kind] = await page.evaluate(_RUN, [source, chunk, SIZES_KB, window, layout])
                await page.close()
        finally:
            await browser.close()
    return results


def table(results: dict[str, dict]) -> str:
    head = " | ".join(f"{kb} KB" for kb in SIZES_KB)
    lines = [
        f"| block type | {head} | final flush |",
        "|---|" + "---|" * len(SIZES_KB) + "---|",
    ]
    for kind, result in results.items():
        cells = " | ".join(
            f"{result['report'][str(kb)]['median']:.2f} / {result['report'][str(kb)]['max']:.2f}"
            for kb in SIZES_KB
        )
        lines.append(f"| {kind} | {cells} | {result['finalMs']:.1f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", type=Path, default=ASSETS / "markdown.js")
    parser.add_argument("--chunk", type=int, default=64, help="characters added per frame")
    parser.add_argument("--window", type=int, default=40, help="frames summarised per size")
    parser.add_argument(
        "--no-layout", action="store_true", help="time the script only, not style and layout"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = asyncio.run(
        measure(args.markdown.resolve(), args.chunk, args.window, not args.no_layout)
    )
    print(json.dumps(results, indent=2) if args.json else table(results))
    print("\ncells: median / worst ms per frame over the frames before that size")


if __name__ == "__main__":
    main()
