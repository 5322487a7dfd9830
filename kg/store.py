"""Where the graph lives, and the one narrow interface every reader uses: ``Store.query``.

Two local kinds share that interface:

* ``OxigraphStore`` — pyoxigraph, on disk (the default) or in memory: bulk loading and a fast SPARQL
  engine.
* ``RdflibStore`` — a plain rdflib Dataset in memory: the reference engine and the benchmark baseline.

A remote SPARQL 1.1 server is a third kind (``kg.remote``). Whatever the kind, ``query`` results come
back as an ``rdflib.query.Result`` with rdflib terms, so rdflib stays the API for callers; ``answer``
(what `kg query` and `kg serve` read) needs no rdflib on Oxigraph, so rdflib is imported only when used.

A store is opened at a sensitivity level: it reads only the named graphs at or below that level
(``kg.levels``), so what a level may not see is simply not in the query's dataset.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .answers import Answer, from_oxigraph, from_rdflib
from .bindings import as_term, with_values  # noqa: F401 - as_term: part of this module's interface
from .levels import LEVEL_RANK, allowed_graphs, check_level, graph_rank  # noqa: F401 - allowed_graphs: part of this module's interface

if TYPE_CHECKING:
    from rdflib.query import Result


class Store:
    """A built graph read at one sensitivity level."""

    kind = "abstract"

    def __init__(self, base: str, level: str = "public"):
        self.base = base
        self.level = check_level(level)
        self.generation: Path | None = None  # the build generation a store was opened from (kg.generations)

    def query(self, sparql: str, bindings: Mapping[str, object] | None = None) -> Result:
        """Run a SPARQL 1.1 query over the union of the readable graphs. ``bindings`` maps variable
        names to values; they are bound as terms, never pasted into the query text."""
        raise NotImplementedError

    def answer(self, sparql: str, bindings: Mapping[str, object] | None = None, normalize: bool = True) -> Answer:
        """The query's answer as a ``kg.answers.Answer``: the one result path of `kg query`, `kg serve`
        and ``kg.sparql.run``. Here from the rdflib ``Result`` of ``query``; Oxigraph answers natively."""
        return from_rdflib(self.query(sparql, bindings))

    def quads(self) -> Iterator[ox.Quad]:
        """Every readable quad (for export)."""
        raise NotImplementedError

    def graphs(self) -> list[str]:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class OxigraphStore(Store):
    """pyoxigraph holding exactly the quads readable at one level (the build writes one store per
    level that has data), queried with the union of its graphs as the default graph."""

    kind = "oxigraph"

    def __init__(self, inner: ox.Store, base: str, level: str = "public"):
        super().__init__(base, level)
        self.inner = inner
        self._graph_names: list[str] | None = None  # listed when first asked for (a tenth of a second at scale)

    @property
    def _graphs(self) -> list[str]:
        if self._graph_names is None:
            self._graph_names = sorted(g.value for g in self.inner.named_graphs())
        return self._graph_names

    @classmethod
    def open(cls, generation, base: str, level: str = "public") -> "OxigraphStore":
        """Open a built generation (a folder written by ``kg.generations.build``) read-only at ``level``."""
        store = cls(ox.Store.read_only(str(level_store_path(generation, level))), base, level)
        store.generation = Path(generation)  # so what is written back (kg.metrics.rdf) knows where it came from
        return store

    @classmethod
    def from_quads(cls, quads: Iterable[ox.Quad], base: str, level: str = "public") -> "OxigraphStore":
        rank = LEVEL_RANK[level]
        inner = ox.Store()
        inner.extend(q for q in quads if graph_rank(q.graph_name.value, base) <= rank)
        return cls(inner, base, level)

    def graphs(self) -> list[str]:
        return list(self._graphs)

    def query(self, sparql: str, bindings: Mapping[str, object] | None = None) -> Result:
        return oxigraph_result(self.raw_query(with_values(sparql, bindings)))

    def raw_query(self, sparql: str, **kwargs):
        """The pyoxigraph answer itself, over the union of the readable graphs."""
        return self.inner.query(sparql, use_default_graph_as_union=True, **kwargs)

    def answer(self, sparql: str, bindings: Mapping[str, object] | None = None, normalize: bool = True, *,
               base_iri: str | None = None, dataset: tuple[list[str], list[str]] | None = None,
               own_dataset: bool = False, max_rows: int | None = None) -> Answer:  # fmt: skip
        """The answer straight from pyoxigraph (see ``Store.answer``), over the union of the readable
        graphs; or over ``dataset`` (default graphs, named graphs: the SPARQL protocol's
        ``default-graph-uri``/``named-graph-uri``, a graph above this level is simply empty); or, with
        ``own_dataset``, over the query's own FROM / FROM NAMED. At most ``max_rows`` rows when given."""
        sparql = with_values(sparql, bindings)
        options = {"base_iri": base_iri} if base_iri else {}
        if dataset is not None:
            readable = set(self._graphs)
            default = [ox.NamedNode(g) for g in dataset[0] if g in readable] or [ox.DefaultGraph()]
            named = [ox.NamedNode(g) for g in dataset[1] if g in readable]
            result = self.inner.query(sparql, default_graph=default, named_graphs=named, **options)
        elif own_dataset:
            result = self.inner.query(sparql, **options)
        else:
            result = self.raw_query(sparql, **options)
        return from_oxigraph(result, normalize=normalize, max_rows=max_rows)

    def quads(self) -> Iterator[ox.Quad]:
        return self.inner.quads_for_pattern(None, None, None, None)

    def close(self) -> None:
        self.inner = None


def level_store_path(generation, level: str):
    """The store folder inside a generation that holds what ``level`` may read."""
    generation = Path(generation)
    levels = json.loads((generation / "summary.json").read_text()).get("levels", {})
    return generation / levels[level]


def __getattr__(name: str):
    """``to_ox``, ``to_rdflib`` (part of this module's interface before kg.terms): imported when first read."""
    if name in ("to_ox", "to_rdflib"):
        from . import rdflib_terms

        return getattr(rdflib_terms, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def oxigraph_result(answer) -> Result:
    import rdflib
    from rdflib.query import Result
    from rdflib.term import Variable

    from .rdflib_terms import to_rdflib

    if isinstance(answer, ox.QueryBoolean):
        out = Result("ASK")
        out.askAnswer = bool(answer)
    elif isinstance(answer, ox.QuerySolutions):
        out = Result("SELECT")
        out.vars = [Variable(v.value) for v in answer.variables]
        seen: dict = {}  # answers repeat the same IRIs and labels in many rows: convert each once
        convert = lambda term: seen.get(term) or seen.setdefault(term, to_rdflib(term))  # noqa: E731
        out.bindings = [
            {var: convert(value) for var, value in zip(out.vars, row) if value is not None} for row in answer
        ]
    else:
        out = Result("CONSTRUCT")
        out.graph = rdflib.Graph()
        for t in answer:
            out.graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return out


class RdflibStore(Store):
    """rdflib's own in-memory engine over the readable graphs (reference and benchmark baseline)."""

    kind = "memory"

    def __init__(self, quads: Iterable[ox.Quad], base: str, level: str = "public"):
        import rdflib

        super().__init__(base, level)
        quads = list(quads)
        self._graphs = allowed_graphs({q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}, base, level)
        keep = set(self._graphs)
        data = ox.serialize((q for q in quads if q.graph_name.value in keep), format=ox.RdfFormat.N_QUADS)
        self.dataset = rdflib.Dataset(default_union=True)
        if data:
            self.dataset.parse(data=data.decode("utf-8"), format="nquads")

    def graphs(self) -> list[str]:
        return list(self._graphs)

    def query(self, sparql: str, bindings: Mapping[str, object] | None = None) -> Result:
        # the same VALUES block as the other engines (kg.bindings): rdflib's initBindings do not reach a
        # subquery, where named queries bind their parameters
        return self.dataset.query(with_values(sparql, bindings))

    def quads(self) -> Iterator[ox.Quad]:
        import rdflib

        from .rdflib_terms import to_ox

        for s, p, o, g in self.dataset.quads((None, None, None, None)):
            graph = g.identifier if isinstance(g, rdflib.Graph) else g
            yield ox.Quad(to_ox(s), to_ox(p), to_ox(o), to_ox(graph))


# Below this many triples in a build, a second process (it starts in about a second) costs more than it saves:
# the threshold of every parallel path of a built store (kg run's export beside the page, the metrics)
PARALLEL_MIN_TRIPLES = 100_000


def worth_a_process(generation) -> bool:
    """A built generation is large enough, and there is a second core, for work on it in another process."""
    return generation is not None and (os.cpu_count() or 1) >= 2 and built_triples(generation) >= PARALLEL_MIN_TRIPLES


# A process this much nicer gets about a tenth of a core that normal work keeps busy (Linux's CFS weights):
# enough to wait for the time that work leaves idle, not so much that it never runs
BACKGROUND_NICENESS = 10


def lower_priority() -> None:
    """Run this process (a pool's initializer) at a lower priority, ``BACKGROUND_NICENESS``: what it does
    (``kg run``'s export and the metrics the page does not wait for) fills the time the work that
    is waited for leaves idle, instead of taking half of its core."""
    try:
        os.nice(BACKGROUND_NICENESS)
    except (AttributeError, OSError):  # no nice() here (Windows), or not allowed: the same work, just sooner
        pass


def built_triples(generation) -> int:
    """How many triples the records of a built generation gave (its summary), 0 when unknown."""
    try:
        return int(json.loads((Path(generation) / "summary.json").read_text())["summary"]["triples"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0
