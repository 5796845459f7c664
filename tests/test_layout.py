"""The package layout: the core (``relay/``) is shared, so it depends on neither side."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(package: str) -> dict[str, set[str]]:
    """Every module a package's files import (top-level name and full dotted name)."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def offenders(package: str, forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{path} imports {name}"
        for path, names in imported_modules(package).items()
        for name in sorted(names)
        if name.split(".")[0] in forbidden
    ]


def test_core_imports_neither_falcon_nor_the_processes() -> None:
    assert offenders("relay", ("falcon", "app", "watcher", "launcher")) == []


def test_watcher_imports_only_the_core() -> None:
    assert offenders("watcher", ("falcon", "app", "launcher")) == []


def test_the_layout_test_sees_imports() -> None:
    # Guard against a walker that finds nothing: the watcher does import the core.
    names = set().union(*imported_modules("watcher").values())
    assert "relay.settings" in names
    assert "redis.asyncio" in names or "redis" in names


def test_architecture_lists_every_module() -> None:
    """ARCHITECTURE.md's module table names every module of the product's packages."""
    rows = [
        line
        for line in (ROOT / "ARCHITECTURE.md").read_text().splitlines()
        if line.startswith("| `")
    ]
    missing = []
    for package in ("relay", "app", "watcher", "launcher", "proxy", "loadtest"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if path.name == "__init__.py":
                continue
            relative = path.relative_to(ROOT)
            folder = f"{relative.parent.as_posix()}/"
            listed = any(
                str(relative) in row or (folder in row and f"`{path.name}`" in row) for row in rows
            )
            if not listed:
                missing.append(str(relative))
    assert missing == [], f"ARCHITECTURE.md's module table omits {missing}"
