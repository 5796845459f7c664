"""The page under its Content-Security-Policy, in Chromium, with and without a token.

The page's own requests must pass every defence (Host allow-list, JSON content type,
the cross-origin check of cookie-authenticated requests) and nothing on the page may
be blocked by the CSP.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import BrowserContext, Page, expect

from tests.support.stack import Stack, own_stack

pytestmark = pytest.mark.timeout(120)

TOKEN = "browser-token-0123456789"
LAST_ANSWER = "#messages > li:last-child .answer"

#: Records every CSP violation the page reports (init scripts are not subject to CSP).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
});
"""


@pytest.fixture(scope="module")
def token_stack(tmp_path_factory: pytest.TempPathFactory, logs_dir: Path) -> Iterator[Stack]:
    with own_stack(tmp_path_factory, logs_dir, "browser-token", api_token=TOKEN) as stack:
        yield stack


async def chat_once(context: BrowserContext, url: str, sign_in: bool) -> tuple[Page, list[str]]:
    """Open the page (signing in with the token link first), send a message, wait."""
    await context.add_init_script(RECORD_VIOLATIONS)
    page = await context.new_page()
    console: list[str] = []
    page.on("console", lambda m: m.type == "error" and console.append(m.text))
    page.on("pageerror", lambda error: console.append(str(error)))
    if sign_in:
        await page.goto(f"{url}/api/session?token={TOKEN}")  # sets the cookie, 303 to /
        assert page.url == f"{url}/"
    else:
        await page.goto(f"{url}/")
    await expect(page.locator("#app")).to_have_attribute("data-ready", "true")
    await page.fill("#message", "hello under a strict policy")
    await page.press("#message", "Enter")
    await expect(page.locator(LAST_ANSWER)).to_have_attribute("data-state", "done", timeout=30_000)
    await expect(page.locator(f"{LAST_ANSWER} .answer-body")).to_contain_text(
        "hello under a strict policy"
    )
    await expect(page.locator("#health")).to_have_attribute("data-state", "ok", timeout=10_000)
    return page, console


async def assert_clean(page: Page, console: list[str]) -> None:
    assert await page.evaluate("window.__cspViolations") == []
    assert not [line for line in console if "Content Security Policy" in line], console
    assert not [line for line in console if "403" in line or "415" in line], console


async def test_the_page_works_under_its_csp_without_a_token(
    context: BrowserContext, stack: Stack
) -> None:
    response = await context.request.get(f"{stack.url}/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page, console = await chat_once(context, stack.url, sign_in=False)
    await assert_clean(page, console)


async def test_the_page_works_with_the_token_cookie(
    context: BrowserContext, token_stack: Stack
) -> None:
    page, console = await chat_once(context, token_stack.url, sign_in=True)
    await assert_clean(page, console)
    # The same page's history calls carried the cookie and passed the origin check.
    cookies = await context.cookies()
    assert any(c["name"] == "relay_token" and c["httpOnly"] for c in cookies)
