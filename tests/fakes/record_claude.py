#!/usr/bin/env python3
"""Record what the real Claude Code CLI prints, for ``fake_claude.py`` to replay.

Run ``python tests/fakes/record_claude.py`` (after scripts/setup.sh installed the
pinned CLI) to refresh ``tests/fakes/transcripts/``. Each scenario runs the real CLI
the way Relay runs it (stdout on a PTY, the prompt on stdin) against
``fake_anthropic.py``, with a fresh HOME and only HOME, PATH, ANTHROPIC_BASE_URL and an
API key in its environment. ``NAME.stdout`` holds its output lines as written (PTY
line endings removed, terminal escapes kept); ``NAME.json`` its exit status, stderr,
arguments and the CLI version.
"""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.support.claude_cli import (
    TRANSCRIPTS,
    FakeAnthropic,
    cli_environment,
    pinned_version,
    require_cli,
)

BASE_ARGS = ["-p", "--output-format", "stream-json", "--verbose", "--include-partial-messages"]
MISSING_SESSION_ID = "00000000-0000-4000-8000-000000000000"

#: name -> (prompt on stdin, extra arguments, extra environment)
SCENARIOS: dict[str, tuple[str, list[str], dict[str, str]]] = {
    "text": ("hello there", [], {}),
    "tool": ("look around [tool:echo hi]", [], {}),
    "denied": ("make a file [tool:touch made.txt]", [], {}),
    "ask": ("paint it [ask]", [], {}),
    "resume_missing": ("hello again", ["--resume", MISSING_SESSION_ID], {}),
    "overload": ("say it [overload]", [], {}),
    "busy": ("try hard [busy:2]", [], {"CLAUDE_CODE_MAX_RETRIES": "3"}),
    "auth_error": ("hello [error-401]", [], {"CLAUDE_CODE_MAX_RETRIES": "2"}),
    "slash": ("/clear", [], {}),
}


def record(cli: Path, api: FakeAnthropic, home: Path, work: Path, name: str) -> None:
    prompt, extra_args, extra_env = SCENARIOS[name]
    argv = [str(cli), *BASE_ARGS, *extra_args]
    master, slave = pty.openpty()
    process = subprocess.Popen(
        argv,
        stdin=subprocess.PIPE,
        stdout=slave,
        stderr=subprocess.PIPE,
        cwd=work,
        env={**cli_environment(home, api), **extra_env},
        start_new_session=True,
    )
    os.close(slave)
    assert process.stdin is not None and process.stderr is not None
    process.stdin.write(prompt.encode())
    process.stdin.close()
    output = bytearray()
    started = time.monotonic()
    while time.monotonic() - started < 120:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            output += data
        elif process.poll() is not None:
            break
    status = process.wait(timeout=30)
    os.close(master)
    lines = [line.rstrip(b"\r") for line in bytes(output).split(b"\n") if line.strip()]
    (TRANSCRIPTS / f"{name}.stdout").write_bytes(b"\n".join(lines) + b"\n")
    meta = {
        "cli_version": pinned_version(),
        "prompt": prompt,
        "args": BASE_ARGS + extra_args,
        "env": sorted(extra_env.items()),
        "exit_status": status,
        "stderr": process.stderr.read().decode(errors="replace"),
        "seconds": round(time.monotonic() - started, 2),
    }
    (TRANSCRIPTS / f"{name}.json").write_text(json.dumps(meta, indent=2) + "\n")
    print(f"{name}: {len(lines)} lines, exit {status}, {meta['seconds']} s")


def main() -> int:
    cli = require_cli()
    TRANSCRIPTS.mkdir(parents=True, exist_ok=True)
    names = sys.argv[1:] or list(SCENARIOS)
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        api = FakeAnthropic(root / "requests.jsonl")
        try:
            for name in names:
                work = root / "work" / name
                work.mkdir(parents=True)
                record(cli, api, root / "home", work, name)
        finally:
            api.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
