"""Build the folder nginx serves: ``app/static`` with content-hashed asset names.

Every file under ``assets/`` becomes ``name.<8 hex>.ext`` (a hash of its final
content), and references to it in ``index.html`` and in other text assets are
rewritten, so nginx can cache assets for a year and a changed file is a new URL.
A text asset's hash covers its rewritten content: changing a font changes the name
of the stylesheet that uses it. ``index.html`` keeps its name and is revalidated.
Text files also get a ``.gz`` twin for nginx's ``gzip_static``. Sources that are
not for the browser are left out: hidden files, ``node_modules`` and ``*-src`` folders.

``python -m proxy.build_static [SRC] [DEST]`` builds it by hand.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path, PurePosixPath

from relay.settings import ROOT_DIR

STATIC_DIR = ROOT_DIR / "app" / "static"
ASSETS = "assets"
#: Files whose references to assets are rewritten.
TEXT_SUFFIXES = {".html", ".css", ".js", ".mjs", ".json", ".webmanifest", ".svg"}
#: Files nginx may send pre-compressed.
GZIP_SUFFIXES = {".html", ".css", ".js", ".mjs", ".json", ".webmanifest", ".svg", ".txt"}
GZIP_MIN_BYTES = 256
#: A reference is delimited by quotes, parentheses or backticks (and may carry ?query/#hash).
_OPENERS = "\"'(`"
_CLOSERS = "\"')`?#"


def build(src: Path = STATIC_DIR, dest: Path | None = None) -> dict[str, str]:
    """Build ``src`` into ``dest`` (replacing it); returns {original: hashed} paths.

    Paths in the mapping are relative to ``src`` and use ``/``. The new folder is
    assembled next to ``dest`` and swapped in, so nginx never serves a half-built one.
    """
    if dest is None:
        raise ValueError("dest is required (normally <state>/www)")
    files = sorted(p.relative_to(src).as_posix() for p in src.rglob("*") if p.is_file())
    files = [f for f in files if _published(f)]
    contents = {name: (src / name).read_bytes() for name in files}
    renamed = _hash_names(contents)

    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}-", dir=dest.parent))
    for name, data in contents.items():
        out_name = renamed.get(name, name)
        out = staging / out_name
        out.parent.mkdir(parents=True, exist_ok=True)
        final = _rewrite(name, data, renamed)
        out.write_bytes(final)
        if PurePosixPath(name).suffix in GZIP_SUFFIXES and len(final) >= GZIP_MIN_BYTES:
            out.with_name(out.name + ".gz").write_bytes(gzip.compress(final, 9, mtime=0))
    os.chmod(staging, 0o755)
    _swap(staging, dest)
    return renamed


def _published(name: str) -> bool:
    *folders, filename = name.split("/")
    if filename.startswith("."):
        return False
    return not any(
        part.startswith(".") or part == "node_modules" or part.endswith("-src") for part in folders
    )


def _hash_names(contents: dict[str, bytes]) -> dict[str, str]:
    """{asset: hashed name}, hashing each text asset after its references are rewritten."""
    assets = [name for name in contents if name.startswith(ASSETS + "/")]
    renamed: dict[str, str] = {}
    in_progress: set[str] = set()

    def resolve(name: str) -> str:
        if name in renamed:
            return renamed[name]
        data = contents[name]
        if name not in in_progress and PurePosixPath(name).suffix in TEXT_SUFFIXES:
            in_progress.add(name)
            # Referenced assets first, so this file's hash covers their new names.
            deps = [other for other in assets if other != name and _refers_to(name, data, other)]
            resolved = {dep: resolve(dep) for dep in deps if dep not in in_progress}
            data = _rewrite(name, data, resolved)
            in_progress.discard(name)
        path = PurePosixPath(name)
        digest = hashlib.sha256(data).hexdigest()[:8]
        renamed[name] = str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))
        return renamed[name]

    for name in assets:
        resolve(name)
    return renamed


def _reference_pattern(referrer: str, target: str) -> re.Pattern[bytes]:
    """How ``referrer`` may spell ``target``: root-absolute, or relative to its folder."""
    relative = os.path.relpath(target, PurePosixPath(referrer).parent.as_posix())
    spellings = {"/" + target, relative, "./" + relative}
    longest_first = sorted(spellings, key=len, reverse=True)
    alternatives = b"|".join(re.escape(s.encode()) for s in longest_first)
    opener = re.escape(_OPENERS.encode())
    closer = re.escape(_CLOSERS.encode())
    return re.compile(b"(?<=[" + opener + b"])(" + alternatives + b")(?=[" + closer + b"])")


def _refers_to(referrer: str, data: bytes, target: str) -> bool:
    return _reference_pattern(referrer, target).search(data) is not None


def _rewrite(referrer: str, data: bytes, renamed: dict[str, str]) -> bytes:
    """``data`` with every reference to a renamed asset pointing at its new name."""
    if PurePosixPath(referrer).suffix not in TEXT_SUFFIXES:
        return data
    for target, new_name in renamed.items():
        new_basename = PurePosixPath(new_name).name.encode()

        def replace(match: re.Match[bytes], new_basename: bytes = new_basename) -> bytes:
            spelled = match.group(1)
            return spelled[: spelled.rfind(b"/") + 1] + new_basename

        data = _reference_pattern(referrer, target).sub(replace, data)
    return data


def _swap(staging: Path, dest: Path) -> None:
    old = None
    if dest.exists():
        old = dest.with_name(f".{dest.name}-old-{os.getpid()}")
        dest.rename(old)
    staging.rename(dest)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


if __name__ == "__main__":
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else STATIC_DIR
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT_DIR / "state" / "www"
    for original, hashed in build(source, target).items():
        print(f"{original} -> {hashed}")
