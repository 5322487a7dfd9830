"""The shape of the code: no import cycle among kg's modules, no click outside kg/cli/, one format
registry behind `kg query`, `kg export` and `kg serve`. Read from the source with ast, so a lazy
import inside a function counts as much as one at the top."""

from __future__ import annotations

import ast
from pathlib import Path

import kg

PACKAGE = Path(kg.__file__).parent


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path) -> set[str]:
    """The modules ``name`` imports (absolute names, every import statement anywhere in the file)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            out.add(base)
            out.update(f"{base}.{alias.name}" for alias in node.names)  # `from . import x` imports module x
    return out


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    graph = {}
    for name, path in modules.items():
        targets = set()
        for imported in _imports(name, path):
            while imported and imported not in modules:  # `from kg.store import Store`: the module kg.store
                imported = imported.rpartition(".")[0]
            if imported and imported != name:
                targets.add(imported)
        graph[name] = targets
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as the list of modules around it, or None. A package importing its own
    submodules (``kg.cli`` registering its commands) is not a cycle: a submodule importing its
    package's ``__init__`` is how Python packages work."""
    edges = {m: {t for t in ts if not m.startswith(t + ".") and not t.startswith(m + ".")} for m, ts in graph.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        stack.append(module)
        for target in sorted(edges.get(module, ())):
            if state.get(target) == 1:
                return stack[stack.index(target):] + [target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[module] = 2
        return None

    for module in sorted(edges):
        if module not in state and (found := visit(module)):
            return found
    return None


def test_the_walk_sees_imports():
    graph = import_graph()
    assert "kg.inputs" in graph["kg.generations"] and "kg.levels" in graph["kg.store"]
    assert "kg.store" in graph["kg.serve.worker"]  # an import inside a function counts too


def test_a_cycle_would_be_found():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_among_kg_modules():
    assert _cycle(import_graph()) is None


def test_the_remote_store_and_the_build_do_not_import_each_other():
    graph = import_graph()
    assert "kg.generations" not in graph["kg.remote"]
    assert "kg.to_rdf" not in graph["kg.store"]  # levels come from kg.levels, not the RDF emitter


def test_no_library_module_imports_click():
    offenders = sorted(name for name, path in _modules().items()
                       if not name.startswith("kg.cli") and any(i == "click" or i.startswith("click.")
                                                                for i in _imports(name, path)))  # fmt: skip
    assert offenders == []


# one format registry ------------------------------------------------------------------------------------------
def test_query_export_and_serve_read_their_formats_from_the_registry():
    from kg import export, formats, sparql
    from kg.cli import core, query
    from kg.serve import media

    graph, rows = formats.GRAPH, formats.ROWS
    assert export.FORMATS == {f.name: (f.rdf, f.datasets) for f in formats.REGISTRY if f.kind == graph and f.export}
    assert sparql.GRAPH_FORMATS == formats.names(graph, answers=True)
    assert sparql.SELECT_FORMATS == formats.names(rows)
    assert set(query.FORMATS) == set(formats.names(graph, answers=True)) | set(formats.names(rows))
    for fmt in formats.served(rows) + formats.served(graph):
        table, media_of = (media.ROW_TYPES, media.ROW_MEDIA) if fmt.kind == rows else (media.GRAPH_TYPES, media.GRAPH_MEDIA)
        assert media_of[fmt.name] == fmt.media_type and all(table[m] == fmt.name for m in fmt.accepts)
        assert media.choose_format("SELECT" if fmt.kind == rows else "CONSTRUCT", [], fmt.name)[1] == fmt.media_type
    assert set(core.export_cmd.params[[p.name for p in core.export_cmd.params].index("fmt")].type.choices) == set(export.FORMATS)


def test_the_registry_agrees_with_pyoxigraph():
    from kg import formats

    for fmt in formats.REGISTRY:
        if fmt.rdf is not None:
            assert fmt.media_type.split(";")[0] == fmt.rdf.media_type
        if fmt.results is not None:
            assert fmt.media_type == fmt.results.media_type
    assert formats.get(formats.GRAPH, "trig").datasets and not formats.get(formats.GRAPH, "ttl").datasets


def _names_ox_format(path: Path) -> list[str]:
    """Where a module names a pyoxigraph RdfFormat member for an output format (not N-Quads/N-Triples
    used to move quads between files and servers)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return sorted({node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)
                   and isinstance(node.value, ast.Attribute) and node.value.attr in ("RdfFormat", "QueryResultsFormat")
                   and node.attr in ("TURTLE", "TRIG", "JSON_LD", "RDF_XML", "JSON", "XML", "CSV", "TSV")})  # fmt: skip


def test_no_second_format_table():
    for name in ("export.py", "sparql/results.py", "serve/media.py", "serve/worker.py", "serve/entities.py"):
        assert _names_ox_format(PACKAGE / name) == [], name
    assert _names_ox_format(PACKAGE / "formats.py") != []


def test_the_endpoint_does_not_reach_past_the_store():
    for path in (PACKAGE / "serve").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert not any(isinstance(n, ast.Attribute) and n.attr in ("inner", "raw_query") for n in ast.walk(tree)), path.name
