"""The package's shape: no import cycle between modules, and no private name (`_x`) imported
from another module. Every import counts, deferred ones and TYPE_CHECKING ones included: a
cycle kept alive by a deferred import is still a cycle to the reader."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, ast.Module]:
    return {
        _module_name(path): ast.parse(path.read_text(), str(path))
        for path in sorted((SRC / "palabre").rglob("*.py"))
    }


def _imports(name: str, tree: ast.Module, is_package: bool, known: set[str]):
    """(imported module, names taken from it) for each import in the module."""
    package = name if is_package else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in known:
                    yield alias.name, []
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target not in known:
                continue
            names = [alias.name for alias in node.names]
            # `from package import module` imports the module, not a name of the package.
            submodules = [n for n in names if f"{target}.{n}" in known]
            for sub in submodules:
                yield f"{target}.{sub}", []
            yield target, [n for n in names if n not in submodules]


def _graph() -> tuple[dict[str, set[str]], list[str]]:
    modules = _modules()
    known = set(modules)
    packages = {_module_name(p) for p in (SRC / "palabre").rglob("__init__.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    private: list[str] = []
    for name, tree in modules.items():
        for target, names in _imports(name, tree, name in packages, known):
            if target != name:
                graph[name].add(target)
            for imported in names:
                if imported.startswith("_") and not imported.startswith("__"):
                    private.append(f"{name} imports {target}.{imported}")
    return graph, private


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
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
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def _without_package_inits(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """A package's __init__ re-exporting its modules, and those modules importing siblings
    through relative imports, is not a cycle between concepts: drop edges from a module to
    the package that contains it."""
    return {
        name: {t for t in targets if not name.startswith(t + ".")}
        for name, targets in graph.items()
    }


def test_no_import_cycle() -> None:
    graph, _ = _graph()
    assert _cycles(_without_package_inits(graph)) == []


def test_no_private_name_crosses_a_module() -> None:
    _, private = _graph()
    assert private == []


def test_the_checks_see_a_cycle_and_a_private_import() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]
    tree = ast.parse("from .b import _hidden, shown\nfrom . import c\n")
    imports = list(_imports("p.a", tree, False, {"p.a", "p.b", "p.c", "p"}))
    assert ("p.b", ["_hidden", "shown"]) in imports and ("p.c", []) in imports
