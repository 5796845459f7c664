"""Fixtures for the browser tests: Debian's Chromium driven by Playwright (async API).

The page tests in ``test_page.py`` run the real page against a scripted fake API
(``fake_api.FakeRelay``, served through Playwright's request routing), so they need
no server. The end-to-end tests in ``test_chat_e2e.py`` use a whole stack of their
own through nginx, built from ``tests/support``.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, async_playwright

from tests.browser.browser_config import CHROMIUM, CHROMIUM_ARGS, DESKTOP, SCREENSHOT_DIR


def chromium_path() -> str:
    """Debian's Chromium (scripts/setup.sh installs it); without it the browser tests fail."""
    found = shutil.which(CHROMIUM)
    if not found:
        pytest.fail(f"Chromium not found at {CHROMIUM}: run scripts/setup.sh (make test does)")
    return found


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """One headless Chromium for the session (never a Playwright-downloaded build)."""
    executable = chromium_path()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            await browser.close()


@pytest.fixture
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    """A fresh browser profile (its own localStorage) at desktop size."""
    context = await browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(15_000)
    try:
        yield context
    finally:
        await context.close()


@pytest.fixture
def screenshot_dir() -> Path:
    """artifacts/screenshots/ (git-ignored), created on demand."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR
