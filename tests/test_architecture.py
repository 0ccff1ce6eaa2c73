"""The code's shape: the import graph has no cycles, and no pipeline stage reaches for the facade."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("chatbi", "metric_catalog", "semantic_layer", "ui", "bench")


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}


def _resolve(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports(module: str) -> set[str]:
    """Every project module ``module`` imports, at the top, inside functions or for type checking
    alike: a lazy import is still a dependency."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {_resolve(a.name) for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                pkg = package
                for _ in range(node.level - 1):
                    pkg = pkg.rpartition(".")[0]
                base = f"{pkg}.{base}".strip(".")
            found |= {_resolve(f"{base}.{a.name}") for a in node.names}
    return {m for m in found if m and m != module}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_import_graph_is_acyclic():
    graph = {m: imports(m) for m in MODULES}
    found = cycles(graph)
    detail = "; ".join(" ↔ ".join(c) for c in found)
    assert not found, f"import cycles: {detail}"


def test_no_pipeline_stage_imports_the_facade():
    stages = [m for m in MODULES if m.startswith("chatbi.pipeline.")]
    assert len(stages) >= 10
    offenders = [m for m in stages if {"chatbi.core", "chatbi.service"} & imports(m)]
    assert not offenders, f"these stages import ChatBI/ChatService instead of taking a PipelineContext: {offenders}"


def test_no_module_is_far_over_the_size_limit():
    sizes = {m: len(p.read_text(encoding="utf-8").splitlines()) for m, p in MODULES.items()}
    assert not {m: n for m, n in sizes.items() if n > 450}, "split these modules (~400 lines at most)"
