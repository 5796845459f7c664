"""Where the browser tests find Chromium and the page, and the sizes they use."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.async_api import ViewportSize

ROOT = Path(__file__).resolve().parents[2]
STATIC_DIR = ROOT / "app" / "static"
SCREENSHOT_DIR = ROOT / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("RELAY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}
