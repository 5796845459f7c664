"""Conversations and their controls through nginx in headless Chromium: delete by id
across tabs, every outcome kept over a reload, regenerate / edit / retry, copy, and
axe-core in light, dark and phone layouts (with screenshots of each).

The stack has the echo model (slowly, so Stop lands mid-answer) and an
OpenAI-compatible route to a port where nothing listens: a real backend failure.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Literal

import pytest
from playwright.async_api import Browser, BrowserContext, Page, ViewportSize, expect

from tests.browser.browser_config import DESKTOP, PHONE, ROOT
from tests.browser.test_chat_e2e import SHOWCASE, ask, expect_done, numbered_words, open_chat
from tests.support.processes import free_port
from tests.support.stack import Stack, own_stack

pytestmark = pytest.mark.timeout(180)

AXE = ROOT / "tests" / "browser" / "vendor" / "axe.min.js"
LAST = "#messages > li:last-child"


@pytest.fixture(scope="module")
def controls_stack(tmp_path_factory: pytest.TempPathFactory, logs_dir: Path) -> Iterator[Stack]:
    with own_stack(
        tmp_path_factory,
        logs_dir,
        "controls",
        echo_interval_ms=20.0,
        openai_base_url=f"http://127.0.0.1:{free_port()}/v1",  # nothing listens there
        openai_connect_retries=0,
    ) as stack:
        yield stack


@pytest.fixture
def project() -> str:
    return f"ctl-{secrets.token_hex(4)}"


@pytest.fixture
async def page(context: BrowserContext, controls_stack: Stack, project: str) -> AsyncIterator[Page]:
    yield await open_chat(context, controls_stack, project)


async def history(page: Page, stack: Stack, project: str) -> list[dict]:
    response = await page.request.get(f"{stack.url}/api/history/{project}")
    return (await response.json())["history"]


async def delete_exchange(page: Page, user_text: str) -> None:
    """Click Delete on the exchange that asked ``user_text``, then commit it at once."""
    turn = page.locator("#messages > li").filter(
        has=page.locator(".user-bubble", has_text=user_text)
    )
    await turn.get_by_role("button", name="Delete").click()
    async with page.expect_response("**/api/history/delete") as deleted:
        await page.click("#toast-dismiss")
    assert (await deleted.value).status == 200


async def test_two_tabs_delete_exactly_the_exchanges_clicked(
    context: BrowserContext, page: Page, controls_stack: Stack, project: str
) -> None:
    for word in ("alpha", "bravo", "charlie"):
        await ask(page, word)
        await expect_done(page)
    other = await open_chat(context, controls_stack, project)
    await expect(other.locator(".user-bubble")).to_have_count(3)

    await delete_exchange(other, "alpha")  # tab B
    await delete_exchange(page, "bravo")  # tab A, whose list still shows all three
    left = await history(page, controls_stack, project)
    assert [entry["user"] for entry in left] == ["charlie"]


async def test_reload_shows_answered_stopped_and_failed_turns(
    page: Page, controls_stack: Stack
) -> None:
    await ask(page, "Before I paint: [[ASK]] Which colour? [[/ASK]]")
    field = page.locator(LAST).get_by_label("Which colour?")
    await field.fill("blue")
    await field.press("Enter")
    await expect_done(page)
    await expect(page.locator("#message")).to_be_focused()  # not lost to <body>
    await expect(page.locator(f"{LAST} .qa-record dd")).to_have_text("blue")

    await ask(page, numbered_words(300))
    await page.wait_for_function(
        # A function, not an expression string: the page's CSP forbids eval.
        f"() => document.querySelector('{LAST} .answer-body').innerText.length > 20"
    )
    await page.click("#stop")
    await expect(page.locator(f"{LAST} .answer")).to_have_attribute("data-state", "cancelled")

    await page.select_option("#model", "openai")
    await ask(page, "this one fails")
    await expect(page.locator(f"{LAST} .answer")).to_have_attribute("data-state", "error")
    await expect(page.locator("#message")).to_have_value("this one fails")  # back for a retry

    await page.reload()
    await expect(page.locator("#app")).to_have_attribute("data-ready", "true")
    answers = page.locator("#messages .answer")
    await expect(answers).to_have_count(3)
    states = [await answers.nth(i).get_attribute("data-state") for i in range(3)]
    assert states == ["done", "cancelled", "error"]
    await expect(answers.nth(0).locator(".qa-record")).to_contain_text("Which colour?")
    await expect(answers.nth(0).locator(".qa-record dd")).to_have_text("blue")
    await expect(answers.nth(0).locator(".answer-body")).to_contain_text("answers: blue")
    await expect(answers.nth(1).locator(".answer-status")).to_have_text("Stopped")
    assert 0 < len(await answers.nth(1).locator(".answer-body").inner_text()) < 1200
    await expect(answers.nth(2).locator(".activity")).not_to_be_empty()
    await expect(answers.nth(2).get_by_role("button", name="Retry")).to_be_visible()


async def test_regenerate_runs_again_edit_resends_and_retry_restores(
    page: Page, controls_stack: Stack, project: str
) -> None:
    await ask(page, "tell me something")
    await expect_done(page)
    await ask(page, "tell me something")  # the same again: the cache answers
    await expect_done(page)
    await expect(page.locator(f"{LAST} .answer")).to_have_attribute("data-cached", "exact")

    await page.locator(LAST).get_by_role("button", name="Regenerate").click()
    await expect(page.locator(f"{LAST} .answer")).to_have_attribute("data-state", "done")
    await expect(page.locator(".user-bubble")).to_have_count(2)  # replaced, not added
    job_id = await page.locator(f"{LAST} .answer").get_attribute("data-job-id")
    snapshot = await (
        await page.request.get(f"{controls_stack.url}/api/chat/status/{job_id}")
    ).json()
    assert snapshot["cached"] is False  # a new backend run
    assert await page.locator(f"{LAST} .answer").get_attribute("data-cached") is None

    await page.locator(LAST).get_by_role("button", name="Edit").click()
    await expect(page.locator("#message")).to_have_value("tell me something")
    await page.fill("#message", "tell me something else")
    await page.press("#message", "Enter")
    await expect_done(page)
    await expect(page.locator(f"{LAST} .answer-body")).to_have_text("tell me something else")
    entries = await history(page, controls_stack, project)
    assert [e["user"] for e in entries] == ["tell me something", "tell me something else"]

    await page.select_option("#model", "openai")
    await ask(page, "doomed question")
    await expect(page.locator(f"{LAST} .answer")).to_have_attribute("data-state", "error")
    await expect(page.locator("#message")).to_have_value("doomed question")
    await page.select_option("#model", "echo")
    await page.press("#message", "Enter")  # the retry takes the failed turn's place
    await expect_done(page)
    await expect(page.locator(f"{LAST} .answer-body")).to_have_text("doomed question")
    entries = await history(page, controls_stack, project)
    assert [(e["user"], e["outcome"]) for e in entries][-1] == ("doomed question", "complete")
    assert len(entries) == 3


async def axe_violations(page: Page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now."""
    await page.add_script_tag(path=str(AXE))
    return await page.evaluate(
        """async () => {
            const result = await axe.run(document, { resultTypes: ['violations'] });
            if (result.passes.length < 20) throw new Error('axe checked almost nothing');
            return result.violations
                .filter((v) => v.impact === 'serious' || v.impact === 'critical')
                .map((v) => ({ id: v.id, impact: v.impact,
                               nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
        }"""
    )


LAYOUTS: list[tuple[str, ViewportSize, Literal["light", "dark"]]] = [
    ("desktop-light", DESKTOP, "light"),
    ("desktop-dark", DESKTOP, "dark"),
    ("phone-light", PHONE, "light"),
    ("phone-dark", PHONE, "dark"),
]


async def test_accessibility_and_screenshots_in_every_layout(
    browser: Browser, controls_stack: Stack, screenshot_dir: Path
) -> None:
    project = f"demo-{secrets.token_hex(3)}"
    problems: dict[str, list[dict]] = {}
    for index, (name, viewport, scheme) in enumerate(LAYOUTS):
        # bypass_csp: axe is injected as an inline script, which the page's CSP forbids.
        context = await browser.new_context(viewport=viewport, color_scheme=scheme, bypass_csp=True)
        try:
            page = await open_chat(context, controls_stack, project)
            if index == 0:
                await ask(page, "How do I reverse the words of a sentence in Python?")
                await expect_done(page)
                await ask(page, SHOWCASE)
                await expect_done(page)
            await expect(page.locator(".copy-code")).to_have_count(1)
            await page.locator("#messages > li").last.scroll_into_view_if_needed()
            problems[f"{name} with answers"] = await axe_violations(page)
            await page.screenshot(path=str(screenshot_dir / f"chat-{name}.png"))
            if viewport is PHONE:
                await page.click("#sidebar-toggle")
                await expect(page.locator("#sidebar")).to_be_visible()
                problems[f"{name} sidebar open"] = await axe_violations(page)
                await page.screenshot(path=str(screenshot_dir / f"chat-{name}-sidebar.png"))
            # The question form, in a new chat (the demo conversation stays as it is).
            await page.click("#new-chat")
            await expect(page.locator("#messages > li")).to_have_count(0)
            await ask(page, "One thing first: [[ASK]] Which colour? [[/ASK]]")
            form = page.locator(f"{LAST} .questions-form")
            await expect(form).to_be_visible()
            problems[f"{name} question form"] = await axe_violations(page)
            await form.get_by_role("button", name="Skip").click()
            await expect_done(page)
        finally:
            await context.close()
    assert {state: found for state, found in problems.items() if found} == {}
