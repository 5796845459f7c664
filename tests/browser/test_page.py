"""The chat page's own behaviour, against a scripted API (no server needed).

What the real stack cannot produce on demand is scripted here: a stream that drops
half-way and then replays events the page already applied, a job restarted on
another watcher, questions, the file-fallback and unreachable states.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from playwright.async_api import BrowserContext, Page, Request, Route, expect

from tests.browser.browser_config import STATIC_DIR
from tests.browser.fake_api import BASE, FakeJob, FakeRelay, echo_events

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def fake() -> FakeRelay:
    return FakeRelay(STATIC_DIR)


@pytest.fixture
async def page(context: BrowserContext, fake: FakeRelay) -> AsyncIterator[Page]:
    await fake.install(context)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(BASE + "/")
    await expect(page.locator("#app")).to_have_attribute("data-ready", "true")
    yield page
    assert not errors, f"JavaScript errors on the page: {errors}"


async def ask(page: Page, message: str) -> None:
    await page.fill("#message", message)
    await page.press("#message", "Enter")


async def test_enter_sends_and_shift_enter_adds_a_line(page: Page, fake: FakeRelay) -> None:
    await page.click("#message")
    await page.keyboard.type("first line")
    await page.keyboard.press("Shift+Enter")
    await page.keyboard.type("second line")
    assert fake.posts == []  # Shift+Enter did not send
    await page.keyboard.press("Enter")

    answer = page.locator(".answer").last
    await expect(answer).to_have_attribute("data-state", "done")
    assert fake.posts[0] == (
        "/api/chat/start",
        {"message": "first line\nsecond line", "project": "default", "model": "echo"},
    )
    await expect(page.locator(".user-bubble").last).to_have_text("first line\nsecond line")
    await expect(page.locator("#message")).to_have_value("")
    await expect(answer.locator(".latency")).to_contain_text("first token")
    await expect(answer.locator(".latency")).to_contain_text("total")


async def test_markdown_renders_with_highlighted_code(page: Page, fake: FakeRelay) -> None:
    source = (
        "# Result\n\nSome **bold** text and `inline` code.\n\n"
        "```python\ndef greet(name):\n    return f'hi {name}'\n```\n\n"
        "- one\n- two\n\n<script>window.pwned = 1</script>\n"
    )
    fake.plan = lambda message: [
        ("status", {"status": "processing"}),
        *[("chunk", {"text": source[i : i + 7]}) for i in range(0, len(source), 7)],
        ("done", {"result": source, "cached": False, "timings": {}}),
    ]
    await ask(page, "show me markdown")
    answer = page.locator(".answer").last
    await expect(answer).to_have_attribute("data-state", "done")
    body = answer.locator(".answer-body")
    await expect(body.locator("h1")).to_have_text("Result")
    await expect(body.locator("strong")).to_have_text("bold")
    await expect(body.locator("pre code .hljs-keyword").first).to_have_text("def")
    await expect(body.locator("li")).to_have_count(2)
    # Raw HTML from an agent is shown as text, never run.
    await expect(body).to_contain_text("<script>window.pwned = 1</script>")
    assert await page.evaluate("window.pwned") is None


async def test_reconnect_applies_replayed_events_once(page: Page, fake: FakeRelay) -> None:
    message = " ".join(f"w{i}" for i in range(40))

    def drop_then_replay_everything(job: FakeJob, number: int, resume: int) -> list:
        if number == 0:
            return job.events[:12]  # the connection drops after 11 chunks
        return job.events  # a careless server replays from the start

    fake.on_job = lambda job: setattr(job, "serve", drop_then_replay_everything)
    await ask(page, message)
    answer = page.locator(".answer").last
    await expect(answer).to_have_attribute("data-state", "done")
    await expect(answer.locator(".answer-body")).to_have_text(message)
    job = next(iter(fake.jobs.values()))
    # EventSource reconnected by itself (its Last-Event-ID header is added below
    # Playwright's interception, so the fake cannot see it, and replays everything).
    assert len(job.connections) == 2


async def test_stream_closed_by_the_proxy_is_reopened_after_last_seq(
    page: Page, fake: FakeRelay, context: BrowserContext
) -> None:
    message = " ".join(f"v{i}" for i in range(30))
    failures = {"left": 2}

    async def failing_stream(route: Route, request: Request) -> None:
        # Like nginx while the app restarts: 502s make EventSource give up (CLOSED).
        if "/api/sse/" in request.url and failures["left"] and fake.jobs:
            job = next(iter(fake.jobs.values()))
            if job.connections:
                failures["left"] -= 1
                await route.fulfill(status=502, body="bad gateway")
                return
        await route.fallback()

    def first_part_only(job: FakeJob, number: int, resume: int) -> list:
        return job.events[:8] if number == 0 else job.after(resume)

    fake.on_job = lambda job: setattr(job, "serve", first_part_only)
    await context.route(f"{BASE}/api/sse/**", failing_stream)
    await ask(page, message)
    answer = page.locator(".answer").last
    await expect(answer).to_have_attribute("data-state", "done", timeout=20_000)
    await expect(answer.locator(".answer-body")).to_have_text(message)
    job = next(iter(fake.jobs.values()))
    assert job.connections == [0, 8]  # reopened with ?last_event_id=8 after the 502s


async def test_finished_blocks_are_not_rendered_again(page: Page, fake: FakeRelay) -> None:
    paragraphs = [f"Paragraph {n} with a few words in it." for n in range(12)]
    source = "\n\n".join(paragraphs)
    released = {"upto": 10}
    fake.plan = lambda message: [
        ("status", {"status": "processing"}),
        *[("chunk", {"text": source[i : i + 5]}) for i in range(0, len(source), 5)],
        ("done", {"result": source, "cached": False, "timings": {}}),
    ]
    fake.on_job = lambda job: setattr(
        job,
        "serve",
        lambda job, number, resume: [
            event for event in job.after(resume) if event.seq <= released["upto"]
        ],
    )
    await ask(page, "many paragraphs")
    answer = page.locator(".answer").last
    await expect(answer.locator(".md-done p")).to_have_count(1)
    await page.evaluate("window.__first = document.querySelector('.answer .md-done p')")

    released["upto"] = 10_000
    await expect(answer).to_have_attribute("data-state", "done")
    await expect(answer.locator("p")).to_have_count(12)
    # The first paragraph is the very node rendered first: later chunks only
    # re-rendered the open block at the end, never the whole answer.
    assert await page.evaluate(
        "window.__first.isConnected && window.__first === document.querySelector('.answer p')"
    )
    assert await answer.locator(".answer-body").inner_text() == "\n\n".join(paragraphs)


MARKDOWN_SAMPLES = [
    "# Title\n\nA paragraph\nwith two lines.\n\n## Sub\n\nEnd.",
    "Code:\n\n```python\ndef f():\n\n    return 1\n\n\n```\n\nAfter the code.",
    "~~~\nplain fence\n\n```\nstill inside\n~~~\n\ntext",
    "- one\n- two\n  - nested\n\n1. first\n2. second\n\n> quote\n> more\n\nlast",
    "| a | b |\n|---|---|\n| 1 | 2 |\n\n***\n\n*em* and **strong** and `code`",
    "    indented code\n\n    more of it\n\nparagraph\n\n\n\nafter blank lines",
    # Blocks without blank lines, merged item by item / row by row while open:
    "- a\n- b with `x`\n  - nested\n- c\n# Heading\n1. one\n2. two\n3) other list\ntext",
    "| h | i |\n|:--|--:|\n| 1 | 2 |\n| 3 |\nlazy row\n\n| x |\n|---|\n| y |",
    "Intro:\n```js\nlet a = 1;\n\nlet b = 2;\n```\nafter\n~~~\nx\n~~~",
    "* * *\n- a\n* b\n+ c",
    # Longer than one stacked part of a streaming table / code block:
    "| n | sq |\n|---|---|\n" + "".join(f"| {n} | {n * n} |\n" for n in range(95)) + "\nend",
    "```\n" + "".join(f"line {n}\n" for n in range(95)) + "```\n",
]


async def test_incremental_rendering_matches_a_full_render(page: Page) -> None:
    mismatches = await page.evaluate(
        r"""(samples) => {
            const { StreamRenderer, render } = window.Relay.markdown;
            const bad = [];
            for (const source of samples) {
                for (const size of [1, 3, 7, 50]) {
                    const root = document.createElement('div');
                    const renderer = new StreamRenderer(root);
                    for (let i = 0; i < source.length; i += size) {
                        renderer.append(source.slice(i, i + size));
                        renderer.flush(false);
                    }
                    renderer.flush(true);
                    const whole = document.createElement('div');
                    whole.innerHTML = render(source);
                    const got = root.querySelector('.md-done').innerHTML.replace(/\n/g, '');
                    const want = whole.innerHTML.replace(/\n/g, '');
                    if (got !== want) bad.push({ source, size, got, want });
                }
            }
            return bad;
        }""",
        MARKDOWN_SAMPLES,
    )
    assert mismatches == []


async def test_an_open_list_or_table_keeps_its_finished_rows(page: Page) -> None:
    kept = await page.evaluate(
        r"""() => {
            const { StreamRenderer } = window.Relay.markdown;
            const check = (source, selector) => {
                const root = document.createElement('div');
                document.body.append(root);
                const renderer = new StreamRenderer(root);
                let first = null;
                for (let i = 0; i < source.length; i += 5) {
                    renderer.append(source.slice(i, i + 5));
                    renderer.flush(false);
                    first = first || root.querySelector(selector);
                }
                const same = first === root.querySelector(selector);
                renderer.flush(true);
                root.remove();
                return same && first !== null;
            };
            const items = Array.from({ length: 60 }, (_, i) => `- item ${i}\n`).join('');
            const rows = Array.from({ length: 60 }, (_, i) => `| ${i} | v |\n`).join('');
            const code = '```\n' + Array.from({ length: 60 }, (_, i) => `line ${i}\n`).join('');
            return [
                check(items, '.md-open li'),
                check('| a | b |\n|---|---|\n' + rows, '.md-open tbody tr'),
                check(code, '.md-open pre code'),
            ];
        }"""
    )
    # The first item / row / code element is never re-created while the block grows.
    assert kept == [True, True, True]


async def test_returning_to_the_tab_attaches_to_a_job_started_elsewhere(
    page: Page, fake: FakeRelay
) -> None:
    job = fake.start_job("started in another tab")
    fake.active["default"] = job.job_id
    await page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    answer = page.locator(".answer").last
    await expect(answer).to_have_attribute("data-state", "done")
    await expect(answer.locator(".answer-body")).to_have_text("started in another tab")
    await expect(answer.locator(".latency")).to_contain_text("reattached")


async def test_reset_status_discards_partial_text(page: Page, fake: FakeRelay) -> None:
    fake.plan = lambda message: [
        ("status", {"status": "processing"}),
        ("chunk", {"text": "stale words from the first watcher "}),
        ("status", {"status": "processing", "reset": True}),
        ("chunk", {"text": "fresh "}),
        ("chunk", {"text": "answer"}),
        ("done", {"result": "fresh answer", "cached": False, "timings": {}}),
    ]
    await ask(page, "anything")
    answer = page.locator(".answer").last
    await expect(answer).to_have_attribute("data-state", "done")
    await expect(answer.locator(".answer-body")).to_have_text("fresh answer")


@pytest.mark.parametrize(
    ("finish_reason", "notice"),
    [(None, "The answer was cut short."), ("length", "cut short (length limit reached)")],
)
async def test_a_truncated_answer_says_it_was_cut_short(
    page: Page, fake: FakeRelay, finish_reason: str | None, notice: str
) -> None:
    fake.plan = lambda message: [
        ("status", {"status": "processing"}),
        ("chunk", {"text": "The king had sent all"}),
        ("done", {"result": "The king had sent all", "cached": False, "timings": {},
                  "finish_reason": finish_reason, "truncated": True}),
    ]  # fmt: skip
    await ask(page, "tell me a story")
    answer = page.locator(".answer").last
    await expect(answer).to_have_attribute("data-state", "done")
    await expect(answer).to_have_attribute("data-truncated", "true")
    await expect(answer.locator(".activity")).to_contain_text(notice)
    await expect(answer.locator(".answer-body")).to_have_text("The king had sent all")


async def test_a_whole_answer_has_no_cut_short_notice(page: Page, fake: FakeRelay) -> None:
    await ask(page, "hello there")
    answer = page.locator(".answer").last
    await expect(answer).to_have_attribute("data-state", "done")
    await expect(answer.locator(".activity")).to_have_text("")
    assert await answer.get_attribute("data-truncated") is None


async def test_questions_can_be_answered_or_skipped(page: Page, fake: FakeRelay) -> None:
    def plan(message: str) -> list:
        return [
            ("status", {"status": "processing"}),
            ("chunk", {"text": "Before I start: "}),
            ("questions", {"questions": ["Which colour?", "How many?"]}),
            ("status", {"status": "processing"}),
            ("chunk", {"text": "thanks."}),
            ("done", {"result": "Before I start: thanks.", "cached": False, "timings": {}}),
        ]

    def wait_for_answers(job: FakeJob, number: int, resume: int) -> list:
        if job.answers is None:
            return [event for event in job.after(resume) if event.seq <= 3]
        return job.after(resume)

    fake.plan = plan
    fake.on_job = lambda job: setattr(job, "serve", wait_for_answers)

    await ask(page, "paint it")
    answer = page.locator(".answer").last
    await expect(answer).to_have_attribute("data-state", "waiting")
    questions = answer.locator(".questions")
    await expect(questions.get_by_label("Which colour?")).to_be_focused()
    await questions.get_by_label("Which colour?").fill("blue")
    await questions.get_by_label("How many?").fill("3")
    await questions.get_by_role("button", name="Send answers").click()
    await expect(answer).to_have_attribute("data-state", "done")
    await expect(answer.locator(".answer-body")).to_have_text("Before I start: thanks.")
    await expect(questions).to_be_hidden()
    assert ("/api/chat/answers", {"job_id": next(iter(fake.jobs)), "answers": ["blue", "3"]}) in (
        fake.posts
    )

    # Skip sends empty answers.
    await ask(page, "again")
    answer = page.locator(".answer").last
    await expect(answer).to_have_attribute("data-state", "waiting")
    await answer.get_by_role("button", name="Skip").click()
    await expect(answer).to_have_attribute("data-state", "done")
    assert fake.posts[-1][0] == "/api/chat/answers"
    assert fake.posts[-1][1]["answers"] == ["", ""]


async def test_health_indicator_shows_fallback_and_unreachable(page: Page, fake: FakeRelay) -> None:
    health = page.locator("#health")
    await expect(health).to_have_attribute("data-state", "ok")
    fake.health = {"status": "ok", "redis": "down", "mode": "file", "watchers": 1}
    await page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    await expect(health).to_have_attribute("data-state", "fallback")
    await expect(health).to_contain_text("fallback")
    fake.health = None  # connection refused
    await page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    await expect(health).to_have_attribute("data-state", "down")
    await expect(health).to_contain_text("unreachable")


def entry(n: int, project: str = "p", **fields: object) -> dict:
    """A history entry as the server returns it."""
    return {
        "id": f"{project}-{n}",
        "job_id": f"{project}-{n}",
        "user": f"question {n}",
        "assistant": f"answer {n}",
        "outcome": "complete",
        "ts": float(n),
        **fields,
    }


async def posts_of(fake: FakeRelay, path: str) -> list[tuple[str, dict[str, Any]]]:
    """The page's POSTs to ``path``, waiting up to 5 s for the first: the UI updates
    before its request lands, so asserting at once would race the page's fetch."""
    for _ in range(100):
        found = [post for post in fake.posts if post[0] == path]
        if found:
            return found
        await asyncio.sleep(0.05)
    return []


async def test_sidebar_switches_renames_searches_and_remembers(page: Page, fake: FakeRelay) -> None:
    fake.history["alpha_1"] = [
        {**entry(1, "alpha_1"), "user": "earlier question", "assistant": "earlier **answer**"}
    ]
    fake.history["beta"] = [{**entry(1, "beta"), "user": "zebra facts", "ts": 0.5}]
    fake.projects = []  # nothing was said in "default", the conversation open
    await page.reload()
    items = page.locator("#conversations .conversation-open")
    # The open conversation ("default", nothing said yet) is listed as a new chat.
    await expect(items).to_have_text(["New chat", "earlier question", "zebra facts"])
    await items.nth(1).click()
    await expect(page.locator(".answer strong")).to_have_text("answer")
    await expect(page.locator("#conversation-title")).to_have_text("earlier question")
    await expect(items.nth(0)).to_have_attribute("aria-current", "page")

    await page.get_by_role("button", name="Rename “earlier question”").click()
    title = page.get_by_label("New title")
    await expect(title).to_be_focused()
    await title.fill("Painting plans")
    await title.press("Enter")
    renamed = ("/api/projects/rename", {"project": "alpha_1", "title": "Painting plans"})
    await posts_of(fake, "/api/projects/rename")
    assert renamed in fake.posts
    await expect(items.first).to_have_text("Painting plans")

    await page.fill("#search", "ZEBRA")
    await expect(items).to_have_text(["zebra facts"])
    await page.fill("#search", "")
    await expect(items).to_have_count(2)

    await page.reload()
    await expect(page.locator("#app")).to_have_attribute("data-project", "alpha_1")
    await expect(page.locator(".user-bubble")).to_have_text("earlier question")

    await page.click("#new-chat")
    await expect(page.locator("#app")).to_have_attribute("data-project", re.compile(r"^chat-"))
    await expect(page.locator("#messages > li")).to_have_count(0)
    await expect(items.first).to_have_text("New chat")


async def test_deleting_a_conversation_can_be_undone(page: Page, fake: FakeRelay) -> None:
    fake.history["keep"] = [{**entry(1, "keep"), "user": "keep me"}]
    fake.history["drop"] = [{**entry(1, "drop"), "user": "drop me", "ts": 0.1}]
    await page.reload()
    items = page.locator("#conversations .conversation-open")
    await page.get_by_role("button", name="Delete “keep me”").click()
    await expect(items).not_to_contain_text(["keep me"])
    await expect(page.locator("#toast")).to_contain_text("Deleted “keep me”")
    await expect(page.locator("#toast-undo")).to_be_focused()
    await page.click("#toast-undo")
    await expect(items.filter(has_text="keep me")).to_have_count(1)
    assert not [post for post in fake.posts if post[0] == "/api/projects/delete"]

    await page.get_by_role("button", name="Delete “drop me”").click()
    await page.click("#toast-dismiss")  # dismissing commits at once
    await expect(page.locator("#toast")).to_be_hidden()
    await expect(items.filter(has_text="drop me")).to_have_count(0)
    await posts_of(fake, "/api/projects/delete")
    assert ("/api/projects/delete", {"project": "drop"}) in fake.posts


async def test_history_entries_can_be_deleted_with_undo_and_cleared(
    page: Page, fake: FakeRelay
) -> None:
    fake.history["default"] = [entry(n, "default") for n in range(3)]
    await page.reload()
    bubbles = page.locator(".user-bubble")
    await expect(bubbles).to_have_count(3)
    await page.locator("#messages > li").nth(1).get_by_role("button", name="Delete").click()
    await expect(bubbles).to_have_text(["question 0", "question 2"])
    await page.click("#toast-undo")
    await expect(bubbles).to_have_text(["question 0", "question 1", "question 2"])
    await page.locator("#messages > li").nth(1).get_by_role("button", name="Delete").click()
    await page.click("#toast-dismiss")
    await expect(bubbles).to_have_text(["question 0", "question 2"])
    deletes = await posts_of(fake, "/api/history/delete")
    assert deletes == [("/api/history/delete", {"project": "default", "id": "default-1"})]

    page.once("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    await page.click("#clear-history")
    await expect(bubbles).to_have_count(0)
    await expect(page.locator("#empty")).to_be_visible()
    await expect(page.locator("#clear-history")).to_be_hidden()


async def test_history_shows_each_outcome_and_the_questions_answered(
    page: Page, fake: FakeRelay
) -> None:
    fake.history["default"] = [
        entry(0, "default", qa=[{"questions": ["Which colour?"], "answers": ["blue"]}]),
        entry(1, "default", outcome="cancelled", assistant="half an"),
        entry(2, "default", outcome="error", assistant="", error="the agent crashed"),
    ]
    await page.reload()
    answers = page.locator(".answer")
    await expect(answers).to_have_count(3)
    await expect(answers.nth(0)).to_have_attribute("data-state", "done")
    await expect(answers.nth(0).locator(".qa-record")).to_contain_text("Which colour?")
    await expect(answers.nth(0).locator(".qa-record dd")).to_have_text("blue")
    await expect(answers.nth(1)).to_have_attribute("data-state", "cancelled")
    await expect(answers.nth(1).locator(".answer-status")).to_have_text("Stopped")
    await expect(answers.nth(2)).to_have_attribute("data-state", "error")
    await expect(answers.nth(2).locator(".activity")).to_have_text("the agent crashed")
    # The latest (failed) exchange offers Retry and Edit; earlier ones only Copy / Delete.
    await expect(answers.nth(2).get_by_role("button", name="Retry")).to_be_visible()
    await expect(
        page.locator("#messages > li").nth(2).get_by_role("button", name="Edit")
    ).to_be_visible()
    await expect(answers.nth(0).get_by_role("button", name="Regenerate")).to_be_hidden()


async def test_regenerate_edit_and_retry_replace_the_latest_exchange(
    page: Page, fake: FakeRelay
) -> None:
    fake.history["default"] = [entry(0, "default")]
    await page.reload()
    await page.get_by_role("button", name="Regenerate").click()
    await expect(page.locator(".answer").last).to_have_attribute("data-state", "done")
    start = [body for path, body in fake.posts if path == "/api/chat/start"]
    assert start[-1]["replaces"] == "default-0" and start[-1]["message"] == "question 0"
    await expect(page.locator(".user-bubble")).to_have_count(1)  # replaced, not added
    regenerated = list(fake.jobs)[-1]

    await page.locator("#messages > li").last.get_by_role("button", name="Edit").click()
    await expect(page.locator("#message")).to_have_value("question 0")
    await expect(page.locator("#editing")).to_be_visible()
    await page.fill("#message", "question zero, edited")
    await page.press("#message", "Enter")
    await expect(page.locator(".answer").last).to_have_attribute("data-state", "done")
    start = [body for path, body in fake.posts if path == "/api/chat/start"]
    assert start[-1]["message"] == "question zero, edited"
    assert start[-1]["replaces"] == regenerated
    await expect(page.locator(".user-bubble")).to_have_text(["question zero, edited"])

    # A failed job puts its message back in the composer, ready to be sent again.
    fake.plan = lambda message: [
        ("status", {"status": "processing"}),
        ("error", {"message": "boom"}),
    ]
    await ask(page, "this will fail")
    await expect(page.locator(".answer").last).to_have_attribute("data-state", "error")
    await expect(page.locator("#message")).to_have_value("this will fail")
    failed_job = list(fake.jobs)[-1]
    fake.plan = echo_events
    await page.press("#message", "Enter")
    await expect(page.locator(".answer").last).to_have_attribute("data-state", "done")
    start = [body for path, body in fake.posts if path == "/api/chat/start"]
    assert start[-1] == {
        "message": "this will fail",
        "project": "default",
        "model": "echo",
        "replaces": failed_job,
    }


async def test_models_hide_test_models_and_disable_unavailable_ones(
    context: BrowserContext, fake: FakeRelay
) -> None:
    fake.models = {
        "models": [
            {"name": "local", "backend": "local", "available": True, "reason": "", "test": False},
            {"name": "echo", "backend": "echo", "available": True, "reason": "", "test": True},
            {
                "name": "claude",
                "backend": "claude",
                "available": False,
                "reason": "the Claude Code CLI (claude) is not installed",
                "test": False,
            },
        ],
        "default": "claude",
        "show_test_models": False,
    }
    await fake.install(context)
    page = await context.new_page()
    await page.goto(BASE + "/")
    await expect(page.locator("#app")).to_have_attribute("data-ready", "true")
    await expect(page.locator("#model option[value=echo]")).to_have_count(0)
    claude = page.locator("#model option[value=claude]")
    await expect(claude).to_be_disabled()
    await expect(claude).to_contain_text("not installed")
    await expect(page.locator("#model")).to_have_value("local")  # the default cannot run


async def test_code_blocks_and_answers_copy_with_feedback(page: Page, fake: FakeRelay) -> None:
    await page.evaluate(
        """() => {
            window.__copied = [];
            document.addEventListener('copy', (event) => {
                const target = event.target;
                window.__copied.push(target && target.value !== undefined
                    ? target.value : String(document.getSelection()));
            });
        }"""
    )
    await ask(page, "Try:\n\n```python\nprint('hi')\n```\n\nDone.")
    answer = page.locator(".answer").last
    await expect(answer).to_have_attribute("data-state", "done")
    copy_code = answer.get_by_role("button", name="Copy python code")
    await copy_code.click()
    await expect(copy_code).to_have_attribute("data-label", "Copied")
    await expect(page.locator("#announcer")).to_have_text("Copied to the clipboard")
    # The whole answer by keyboard: focus the button, press Enter.
    await answer.get_by_role("button", name="Copy", exact=True).focus()
    await page.keyboard.press("Enter")
    await expect(answer.get_by_role("button", name="Copied", exact=True)).to_be_visible()
    copied = await page.evaluate("window.__copied")
    assert copied == ["print('hi')\n", "Try:\n\n```python\nprint('hi')\n```\n\nDone."]
    # The button's label is drawn by CSS: it is no part of the answer's text.
    assert "Copy" not in await answer.locator(".answer-body").inner_text()


async def test_reload_reattaches_to_the_running_job(page: Page, fake: FakeRelay) -> None:
    job = fake.start_job("one two three four five")
    fake.active["default"] = job.job_id
    await page.reload()
    answer = page.locator(".answer").last
    await expect(answer).to_have_attribute("data-state", "done")
    await expect(answer.locator(".answer-body")).to_have_text("one two three four five")
    await expect(page.locator(".user-bubble").last).to_have_text("one two three four five")
    assert job.connections == [0]  # replayed from the first event


async def test_stop_cancels(page: Page, fake: FakeRelay) -> None:
    def hold_until_cancelled(job: FakeJob, number: int, resume: int) -> list:
        if not job.cancelled:
            return [event for event in job.after(resume) if event.seq <= 4]
        if job.events[-1].data.get("status") != "cancelled":
            job.add("status", {"status": "cancelled"})
        return [job.events[-1]]

    fake.plan = lambda message: echo_events(message)[:-1]  # never finishes by itself
    fake.on_job = lambda job: setattr(job, "serve", hold_until_cancelled)
    await ask(page, "a b c d e f g h")
    answer = page.locator(".answer").last
    await expect(answer.locator(".answer-body")).to_have_text("a b c")
    await expect(page.locator("#send")).to_be_hidden()
    await page.click("#stop")
    await expect(answer).to_have_attribute("data-state", "cancelled")
    await expect(answer.locator(".answer-body")).to_have_text("a b c")
    await expect(page.locator("#send")).to_be_visible()
    assert fake.posts[-1] == ("/api/chat/cancel", {"job_id": next(iter(fake.jobs))})


def test_fake_frames_are_valid_json() -> None:
    job = FakeJob("j", "m", "p")
    job.add("chunk", {"text": "x"})
    frame = job.events[0].frame()
    assert frame.startswith("id: 1\nevent: chunk\ndata: ")
    assert json.loads(frame.split("data: ", 1)[1])["text"] == "x"
