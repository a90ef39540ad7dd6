"""The package's shape: small modules and functions, no import cycles, a core that imports nothing above it, thin
adapters, no state at module level but the one registry, and docstrings that cite the repository's own docs."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "adaptive_splitters"
MODULES = sorted(PACKAGE.rglob("*.py"))
ADAPTERS = ("integrations/langchain.py", "integrations/llama_index.py", "integrations/llama_index_nodes.py")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """The package modules ``path`` imports at module level (not inside functions, not for type checking)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("adaptive_splitters"):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("adaptive_splitters"))
    return found


def code_lines(path: Path) -> int:
    """Lines that are neither blank, comments nor docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                docstrings.update(range(body[0].lineno, (body[0].end_lineno or body[0].lineno) + 1))
    lines = path.read_text(encoding="utf-8").splitlines()
    return sum(
        1
        for i, line in enumerate(lines, 1)
        if line.strip() and not line.strip().startswith("#") and i not in docstrings
    )


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_stay_under_400_lines_and_functions_under_60(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert len(source.splitlines()) < 400
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            assert length < 60, f"{node.name} is {length} lines"


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_adapters_stay_under_200_lines_of_code(adapter: str) -> None:
    assert code_lines(PACKAGE / adapter) < 200


def test_no_import_cycles() -> None:
    graph = {module_name(p): {m for m in imports(p) if m != module_name(p)} for p in MODULES}
    state: dict[str, int] = {}

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph.get(name, ())):
            if state.get(target) == 1:
                cycle = [*path[path.index(target) :], target] if target in path else [name, target]
                pytest.fail(f"import cycle: {' -> '.join(cycle)}")
            if target not in state:
                visit(target, [*path, target])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])


def test_core_imports_nothing_above_it() -> None:
    for path in (PACKAGE / "core").glob("*.py"):
        outside = {m for m in imports(path) if not m.startswith("adaptive_splitters.core")}
        assert not outside, f"{path.name} imports {outside}"


def test_no_module_level_mutable_state_but_the_registry() -> None:
    """Module level holds constants (UPPER_CASE tables) and the one registry; no empty containers to fill, no
    locks, thread-locals or caches (those belong to a chunker or an embedder)."""
    containers = (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)
    calls = {"dict", "list", "set", "OrderedDict", "defaultdict", "Lock", "RLock", "local", "WeakValueDictionary"}
    for path in MODULES:
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
            targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            if value is None or names in (["__all__"], ["REGISTRY"]):
                continue
            where = f"{path.relative_to(PACKAGE)}: {names}"
            if isinstance(value, containers):
                constant = all(n.lstrip("_").isupper() for n in names) and bool(
                    getattr(value, "keys", None)
                    or getattr(value, "elts", None)
                    or isinstance(value, (ast.DictComp, ast.ListComp, ast.SetComp))
                )
                assert constant, f"module-level mutable container at {where}"
            func = value.func if isinstance(value, ast.Call) else None
            called = getattr(func, "attr", None) or getattr(func, "id", None)
            assert called not in calls, f"module-level mutable state at {where}"


def test_docstrings_cite_the_repository_not_outside_files() -> None:
    for path in MODULES:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"PAPER_SPEC|DESIGN rule|DESIGN\.md", text), path
        for anchor in re.findall(r"docs/method\.md#([\w-]+)", text):
            assert anchor in METHOD_ANCHORS, f"{path.relative_to(PACKAGE)} cites missing docs/method.md#{anchor}"


def _anchors() -> set[str]:
    method = (PACKAGE.parent / "docs" / "method.md").read_text(encoding="utf-8")
    out = set()
    for heading in re.findall(r"^#{2,3} (.+)$", method, flags=re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        out.add(slug)
    return out


METHOD_ANCHORS = _anchors()


def test_the_corpus_paths_do_not_import_the_engine_back() -> None:
    """The engine imports the corpus paths for chunk_many; they name the engine for types only (no circle)."""
    import subprocess
    import sys

    code = "import sys, adaptive_splitters.corpus; print('adaptive_splitters.engine' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
