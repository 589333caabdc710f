"""The layer rules from DESIGN.md, checked in fresh interpreters so nothing else is imported first."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def _modules_after_import(module: str) -> set[str]:
    code = f"import json, sys; import {module}; print(json.dumps(sorted(sys.modules)))"
    output = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return set(json.loads(output))


HEADLESS = [
    "api",
    "ops",
    "simulator",
    "credentials.py",
    "config.py",
    "iccid.py",
    "signin.py",
    "connect.py",
    "profiles.py",
]


@pytest.mark.parametrize("module", ["supersim_tui.api", "supersim_tui.simulator", "supersim_tui.credentials"])
def test_headless_layers_do_not_load_textual(module: str) -> None:
    """api/, simulator/ and credentials load without Textual, so scripts can use them.
    (Rich may still appear: httpx loads its optional CLI, which uses Rich, when Rich is installed.)"""
    loaded = _modules_after_import(module)
    assert not {m for m in loaded if m == "textual" or m.startswith("textual.")}


def test_headless_sources_import_no_textual_or_rich() -> None:
    """No module in the headless layers imports textual or rich itself."""
    import ast
    from pathlib import Path

    import supersim_tui

    root = Path(supersim_tui.__file__).parent
    files = [p for name in HEADLESS for p in ((root / name).rglob("*.py") if (root / name).is_dir() else [root / name])]
    assert len(files) > 10
    offenders = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in ("textual", "rich")]
    assert offenders == []


def test_simulator_is_independent_of_the_client() -> None:
    """The simulator imports nothing from api/ or tui/, so it can catch the client's mistakes."""
    loaded = _modules_after_import("supersim_tui.simulator")
    assert not {m for m in loaded if m.startswith(("supersim_tui.api", "supersim_tui.tui", "supersim_tui.iccid"))}


def test_importing_creates_nothing_on_disk(tmp_path: object) -> None:
    """Importing the package and the CLI touches no config or state directory."""
    import os
    from pathlib import Path

    home = Path(str(tmp_path)) / "fresh-home"
    env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / "c"), XDG_STATE_HOME=str(home / "s"))
    subprocess.run(
        [sys.executable, "-c", "import supersim_tui.cli, supersim_tui.tui.app, supersim_tui.config"],
        check=True,
        env=env,
    )
    assert not home.exists()


def _module_imports() -> dict[str, set[str]]:
    """Each module of the package and the package modules it imports at module level (``TYPE_CHECKING``
    imports included: a cycle there is a cycle in the design, even if Python never runs it)."""
    import ast
    from pathlib import Path

    import supersim_tui

    root = Path(supersim_tui.__file__).parent

    def name_of(path: Path) -> str:
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)

    modules = {name_of(p): p for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        body = ast.parse(path.read_text()).body
        statements = body + [s for node in body if isinstance(node, ast.If) for s in node.body]
        targets: set[str] = set()
        for node in statements:
            if isinstance(node, ast.ImportFrom):
                base = package.split(".")[: len(package.split(".")) - max(node.level - 1, 0)] if node.level else []
                target = ".".join([*base, node.module] if node.module else base)
                targets |= {target} | {f"{target}.{alias.name}" for alias in node.names}
            elif isinstance(node, ast.Import):
                targets |= {alias.name for alias in node.names}
        graph[module] = {t for t in targets if t in modules and t != module}
    return graph


def test_no_import_cycles() -> None:
    """No two modules of the package import each other, directly or round a loop (issue 13: tui/app.py and
    tui/login.py did, through a TYPE_CHECKING import)."""
    graph = _module_imports()
    assert len(graph) > 50
    cycles: list[list[str]] = []
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            cycles.append([*path[path.index(module) :], module])
            return
        if module in done:
            return
        for target in sorted(graph[module]):
            visit(target, [*path, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
    assert cycles == []
