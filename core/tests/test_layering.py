"""The house's floors: core imports no app, and no module of the project imports itself back through others.

Every import counts, the ones inside functions too (a deferred import hides a circle from Python, not from
the reader). Tests, migrations and the test-only helpers are not part of the building.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = sorted(
    p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists() and p.name not in ("tests",)
)


def _module_of(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_building(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    return not ({"tests", "migrations", "testing"} & set(parts)) and not parts[-1].startswith("test_")


def _imports(path: Path, module: str) -> set[str]:
    found: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def import_graph() -> dict[str, set[str]]:
    """{module: the project modules it imports}, for every module of the building."""
    files = {
        _module_of(path): path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if _is_building(path)
    }
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        graph[module] = {name for name in _imports(path, module) if name in files and name != module}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return out


def test_the_circle_finder_finds_a_circle_and_nothing_else():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert circles(graph) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_imports_inside_functions(tmp_path):
    path = ROOT / "core" / "bulk.py"
    assert "core.audit" in _imports(path, "core.bulk")
    assert "core.dbinsert" in import_graph()["core.bulk"]


def test_core_imports_no_app():
    graph = import_graph()
    upward = sorted(
        f"{module} -> {target}"
        for module, targets in graph.items()
        if module.split(".")[0] == "core"
        for target in targets
        if target.split(".")[0] != "core"
    )
    assert upward == []


def test_no_module_imports_itself_back():
    assert circles(import_graph()) == []
