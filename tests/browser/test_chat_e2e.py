"""The chat page through nginx, end to end, in headless Chromium.

A private stack (Redis, Granian, one watcher, nginx) runs the echo model slowly
enough (``ECHO_INTERVAL_MS`` per word) that a test can act in the middle of an
answer: watch it grow, cut the connection, reload the page, press Stop.
"""

from __future__ import annotations

import asyncio
import secrets
import urllib.request
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, Request, expect

from tests.browser.browser_config import DESKTOP, PHONE
from tests.support.processes import AppServer, NginxServer, RedisServer, WatcherProcess
from tests.support.stack import Stack, make_settings, with_redis

pytestmark = pytest.mark.timeout(120)

ECHO_INTERVAL_MS = 40.0
ANSWER = "#messages > li:last-child .answer"
LAST_ANSWER_BODY = "#messages > li:last-child .answer-body"


@pytest.fixture(scope="module")
def slow_stack(tmp_path_factory: pytest.TempPathFactory, logs_dir: Path) -> Iterator[Stack]:
    """A whole stack of its own whose echo model writes one word every 40 ms.

    Its own Redis too: a watcher of the session stack on the same Redis would claim
    these jobs and answer them at its own (fast) pace.
    """
    redis = RedisServer(logs_dir, tmp_path_factory.mktemp("browser-redis"))
    state_dir = tmp_path_factory.mktemp("browser-state")
    settings = with_redis(make_settings(state_dir, echo_interval_ms=ECHO_INTERVAL_MS), redis)
    app = AppServer(settings, logs_dir)
    watcher = WatcherProcess(settings, logs_dir)
    nginx = NginxServer(settings, logs_dir)
    stack = Stack(settings, redis, app, watcher, nginx)
    try:
        stack.ensure_running()
        yield stack
    finally:
        stack.stop()


@pytest.fixture
def running_stack(slow_stack: Stack) -> Stack:
    slow_stack.ensure_running()  # a previous test may have stopped nginx
    return slow_stack


@pytest.fixture
def project() -> str:
    """A project of the test's own, so histories and running jobs never mix."""
    return f"browser-{secrets.token_hex(4)}"


@pytest.fixture
async def page(context: BrowserContext, running_stack: Stack, project: str) -> AsyncIterator[Page]:
    page = await open_chat(context, running_stack, project)
    yield page


async def open_chat(context: BrowserContext, stack: Stack, project: str) -> Page:
    """The chat page with ``project`` selected (as remembered in localStorage)."""
    await context.add_init_script(f"localStorage.setItem('relay.project', {project!r})")
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors  # type: ignore[attr-defined]
    await page.goto(stack.url + "/")
    await expect(page.locator("#app")).to_have_attribute("data-ready", "true")
    await expect(page.locator("#app")).to_have_attribute("data-project", project)
    return page


def numbered_words(count: int) -> str:
    """A message whose words are all different, so a repeat or a gap shows."""
    return " ".join(f"w{index:03d}" for index in range(count))


async def ask(page: Page, message: str) -> None:
    await page.fill("#message", message)
    await page.press("#message", "Enter")


async def answer_text(page: Page) -> str:
    return await page.locator(LAST_ANSWER_BODY).inner_text()


async def wait_for_words(page: Page, count: int, timeout_ms: float = 15_000) -> None:
    await page.wait_for_function(
        """([selector, count]) => {
            const body = document.querySelector(selector);
            return body && body.innerText.split(/\\s+/).filter(Boolean).length >= count;
        }""",
        arg=[LAST_ANSWER_BODY, count],
        timeout=timeout_ms,
    )


async def expect_done(page: Page, timeout_ms: float = 30_000) -> None:
    answer = page.locator("#messages > li:last-child .answer")
    await expect(answer).to_have_attribute("data-state", "done", timeout=timeout_ms)


def count_streams(page: Page) -> list[str]:
    """The URLs of every event-stream request the page makes from now on."""
    urls: list[str] = []

    def record(request: Request) -> None:
        if "/api/sse/" in request.url:
            urls.append(request.url)

    page.on("request", record)
    return urls


async def test_answer_streams_in_progressively(page: Page) -> None:
    message = numbered_words(60)
    await page.evaluate(
        """() => {
            window.__samples = [];
            const record = () => {
                const body = document.querySelector('#messages > li:last-child .answer-body');
                if (body) window.__samples.push(body.innerText);
            };
            new MutationObserver(record).observe(document.getElementById('messages'),
                {childList: true, subtree: true, characterData: true});
        }"""
    )
    await ask(page, message)
    await expect_done(page)
    assert (await answer_text(page)).strip() == message

    samples: list[str] = await page.evaluate("window.__samples")
    partial = [s.strip() for s in samples if s.strip() and s.strip() != message]
    assert len(set(partial)) >= 5, "the answer should grow in several visible steps"
    assert all(message.startswith(text) for text in partial)
    assert len(partial[0]) < len(message) // 2

    latency = page.locator("#messages > li:last-child .latency")
    await expect(latency).to_contain_text("first token")
    await expect(latency).to_contain_text("total")
    answer = page.locator("#messages > li:last-child .answer")
    ttft = int(await answer.get_attribute("data-ttft-ms") or -1)
    total = int(await answer.get_attribute("data-total-ms") or -1)
    assert 0 <= ttft < total
    assert total >= 59 * ECHO_INTERVAL_MS * 0.9
    assert not page.errors  # type: ignore[attr-defined]


async def test_answer_is_exact_after_nginx_restarts_mid_answer(
    page: Page, running_stack: Stack
) -> None:
    message = numbered_words(250)
    streams = count_streams(page)
    await ask(page, message)
    await wait_for_words(page, 15)
    await asyncio.to_thread(running_stack.nginx.restart)
    assert await page.locator(ANSWER).get_attribute("data-state") != "done"
    await expect_done(page)
    assert (await answer_text(page)).strip() == message
    assert len(streams) >= 2, "the page should have reconnected"


async def test_answer_is_exact_after_the_app_restarts_mid_answer(
    page: Page, running_stack: Stack
) -> None:
    # While Granian is down nginx answers 502, EventSource gives up (CLOSED), and the
    # page opens a new stream with ?last_event_id=N; the watcher writes on meanwhile.
    message = numbered_words(150)
    streams = count_streams(page)
    await ask(page, message)
    await wait_for_words(page, 15)
    await asyncio.to_thread(running_stack.app.stop)
    await page.wait_for_timeout(1500)
    await asyncio.to_thread(running_stack.app.start)
    await expect_done(page)
    assert (await answer_text(page)).strip() == message
    assert any("last_event_id=" in url for url in streams[1:]), streams


async def test_reload_mid_answer_reattaches_and_completes(page: Page, running_stack: Stack) -> None:
    message = numbered_words(200)
    await ask(page, message)
    await wait_for_words(page, 20)
    seen_before = await answer_text(page)

    await page.reload()
    await expect(page.locator("#app")).to_have_attribute("data-ready", "true")
    answer = page.locator("#messages > li:last-child .answer")
    # The whole answer so far is back at once (replayed), then it goes on live.
    await wait_for_words(page, len(seen_before.split()), timeout_ms=5000)
    assert await answer.get_attribute("data-state") != "done"
    await expect(page.locator("#stop")).to_be_visible()
    await expect_done(page)
    assert (await answer_text(page)).strip() == message
    job_id = await answer.get_attribute("data-job-id")
    response = await page.request.get(f"{running_stack.url}/api/chat/status/{job_id}")
    snapshot = await response.json()
    if "message" in snapshot:  # the question is shown again when the snapshot has it
        bubble = page.locator("#messages > li:last-child .user-bubble")
        await expect(bubble).to_have_text(message)


async def test_stop_cancels_a_long_answer(page: Page, running_stack: Stack) -> None:
    message = numbered_words(400)
    await ask(page, message)
    await wait_for_words(page, 10)
    await page.click("#stop")
    answer = page.locator("#messages > li:last-child .answer")
    await expect(answer).to_have_attribute("data-state", "cancelled", timeout=5000)
    stopped_at = await answer_text(page)
    await page.wait_for_timeout(6 * ECHO_INTERVAL_MS + 500)
    assert await answer_text(page) == stopped_at, "text kept growing after Stop"
    assert len(stopped_at.split()) < 400
    assert message.startswith(stopped_at.strip())
    await expect(page.locator("#send")).to_be_visible()
    await expect(page.locator("#stop")).to_be_hidden()

    job_id = await answer.get_attribute("data-job-id")
    snapshot = await page.request.get(f"{running_stack.url}/api/chat/status/{job_id}")
    assert (await snapshot.json())["status"] == "cancelled"


async def test_questions_are_answered_in_the_page(page: Page) -> None:
    await ask(page, "Before I paint: [[ASK]] Which colour? [[/ASK]]")
    answer = page.locator("#messages > li:last-child .answer")
    await expect(answer).to_have_attribute("data-state", "waiting")
    field = answer.get_by_label("Which colour?")
    await expect(field).to_be_focused()
    await field.fill("blue")
    await field.press("Enter")
    await expect_done(page)
    text = await answer_text(page)
    assert text.startswith("Before I paint:")
    assert "answers: blue" in text
    await expect(answer.locator(".questions")).to_be_hidden()


SHOWCASE = """Here is a **Python** function that reverses the words of a sentence:

```python
def reverse_words(sentence: str) -> str:
    # Split on whitespace, reverse, and join again.
    return " ".join(reversed(sentence.split()))
```

It works in three steps:

1. `split()` breaks the sentence into words
2. `reversed()` walks them backwards
3. `join()` glues them back with single spaces

> Echo model: this answer is the message itself, streamed word by word."""


async def test_history_models_and_screenshots(
    browser: Browser, running_stack: Stack, screenshot_dir: Path
) -> None:
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = await browser.new_context(viewport=viewport)
        try:
            page = await open_chat(context, running_stack, f"demo-{name}")
            await expect(page.locator("#model option[value=echo]")).to_have_count(1)
            await expect(page.locator("#health")).to_have_attribute("data-state", "ok")
            await ask(page, "How do I reverse the words of a sentence in Python?")
            await expect_done(page)
            await ask(page, SHOWCASE)
            await expect_done(page)
            code = page.locator("#messages > li:last-child pre code .hljs-keyword").first
            await expect(code).to_have_text("def")

            await page.reload()  # the conversation comes back from the history
            await expect(page.locator("#app")).to_have_attribute("data-ready", "true")
            await expect(page.locator("#messages > li")).to_have_count(2)
            await expect(page.locator("#messages > li .answer-body strong").first).to_have_text(
                "Python"
            )
            await page.fill("#message", "Can it keep punctuation attached to each word?")
            path = screenshot_dir / f"chat-{name}.png"
            await page.screenshot(path=str(path))
            assert path.stat().st_size > 10_000
        finally:
            await context.close()


async def test_health_indicator_follows_redis_and_nginx(page: Page, running_stack: Stack) -> None:
    health = page.locator("#health")
    await expect(health).to_have_attribute("data-state", "ok")

    await asyncio.to_thread(running_stack.redis.stop)
    await expect(health).to_have_attribute("data-state", "fallback", timeout=20_000)
    await expect(health).to_contain_text("File fallback")
    await ask(page, "still answered without Redis")
    await expect_done(page)
    assert (await answer_text(page)).strip() == "still answered without Redis"

    await asyncio.to_thread(running_stack.redis.start)
    await expect(health).to_have_attribute("data-state", "ok", timeout=20_000)

    await asyncio.to_thread(running_stack.nginx.stop)
    await expect(health).to_have_attribute("data-state", "down", timeout=10_000)
    await expect(health).to_contain_text("unreachable")
    await asyncio.to_thread(running_stack.nginx.start)
    await expect(health).to_have_attribute("data-state", "ok", timeout=10_000)


def cache_counts(stack: Stack) -> str:
    """The app's cache counters (what a failed cache assertion shows beside it)."""
    with urllib.request.urlopen(f"{stack.app.url}/metrics", timeout=5) as response:
        text = response.read().decode()
    return "\n".join(line for line in text.splitlines() if "relay_cache_requests_total{" in line)


async def test_a_paraphrase_is_answered_from_the_semantic_cache_and_says_so(
    page: Page, running_stack: Stack
) -> None:
    await ask(page, "What is the capital of France?")
    await expect_done(page)
    await ask(page, "What's the capital city of France?")
    await expect_done(page)
    answer = (await answer_text(page)).strip()
    assert answer == "What is the capital of France?", await asyncio.to_thread(
        cache_counts, running_stack
    )
    latency = page.locator("#messages > li:last-child .latency")
    await expect(latency).to_contain_text("cached (similar 0.")
    await expect(page.locator(ANSWER)).to_have_attribute("data-cached", "semantic")
    assert page.errors == []  # type: ignore[attr-defined]
