"""Metrics back into the graph (``kg metrics --into-graph``), so a researcher can rank by centrality
in SPARQL (named query ``top-by-centrality``).

Model, in the named graph ``{base}graph/{level}/metrics`` (the level the store was read at, so a
reader below that level never sees figures computed from facts above it)::

    {base}metric/{projection}/{sha1(node)[:16]}  a kg:Measurement ;
        kg:node <node> ; kg:projection "organizations" ;
        kg:weightedDegree 17 ; kg:degree 15 ; kg:betweenness 0.1 ; kg:closeness … ; kg:eigenvector … ;
        kg:pagerank … ; kg:community 0 ; kg:constraint … ; kg:effectiveSize … ; kg:crossSector … ;
        prov:generatedAtTime "…"^^xsd:dateTime ; prov:wasGeneratedBy {base}metric/{projection}/run .
    {base}metric/{projection}  a kg:NetworkMeasurement ; kg:projection … ; kg:nodeCount ; kg:edgeCount ;
        kg:density ; kg:componentCount ; kg:communityCount ; kg:modularity ; kg:betweennessSources (when
        sampled) ; rdfs:comment (notes) ; prov:generatedAtTime ; prov:wasGeneratedBy … .
    {base}metric/{projection}/run  a prov:Activity ; rdfs:label ; kg:algorithm ; kg:parameters .

The quads go to ``<build>/graph-extras/metrics-<projection>.nq``, whose first line names the
digest of the records readable at the level (``kg.inputs.EXTRAS_HEADER``), read from the generation
the store was opened from, and ``kg.generations.build`` then loads them with the records,
atomically. The time is when the content of that level was first built (not the wall clock, and
not a rebuild that changed only records above the level), and a file whose figures did not change
is left untouched, so running the command twice changes nothing, and nothing in it depends on
records above the level.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox

from .. import generations
from ..export import write_atomic
from ..vocab import KG, PROV, RDF, RDFS, XSD
from .files import measure_projection
from .measure import METRICS

PROPERTY = {
    "weighted_degree": "weightedDegree", "degree": "degree", "betweenness": "betweenness",
    "closeness": "closeness", "eigenvector": "eigenvector", "pagerank": "pagerank", "community": "community",
    "constraint": "constraint", "effective_size": "effectiveSize", "cross_sector": "crossSector",
}  # fmt: skip
GRAPH_PROPERTY = {"nodes": "nodeCount", "edges": "edgeCount", "density": "density", "components": "componentCount",
                  "communities": "communityCount", "modularity": "modularity",
                  "betweenness_k": "betweennessSources"}  # fmt: skip


def _n(iri) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def _number(value) -> ox.Literal:
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=_n(XSD.integer))
    return ox.Literal(repr(float(value)), datatype=_n(XSD.double))


def metrics_quads(graph, metrics, figures: dict, projection: str, base: str, level: str = "public",
                  generated_at: str = "1970-01-01T00:00:00Z") -> list[ox.Quad]:  # fmt: skip
    """The figures of one projection as sorted quads (see the module's docstring for the model).

    Parameters
    ----------
    graph : networkx.Graph
        The projection.
    metrics : NodeMetrics
        ``kg.metrics.node_metrics(graph)``.
    figures : dict
        ``kg.metrics.graph_metrics(graph, metrics)``.
    projection : str
    base : str
        The data namespace (``kg.config.base_iri()``).
    level : str
        Sensitivity level the store was read at: the named graph is ``{base}graph/{level}/metrics``.
    generated_at : str
        ``xsd:dateTime`` of the computation (the store's build time).
    """
    g = _n(f"{base}graph/{level}/metrics")
    when = ox.Literal(generated_at, datatype=_n(XSD.dateTime))
    run = _n(f"{base}metric/{projection}/run")
    whole = _n(f"{base}metric/{projection}")
    name = ox.Literal(projection)
    quads = [
        ox.Quad(run, _n(RDF.type), _n(PROV.Activity), g),
        ox.Quad(run, _n(RDFS.label), ox.Literal(f"kg metrics of the {projection} projection"), g),
        ox.Quad(run, _n(KG.algorithm), ox.Literal("kg.metrics.node_metrics"), g),
        ox.Quad(run, _n(KG.parameters), ox.Literal(getattr(metrics, "parameters", "")), g),
        ox.Quad(whole, _n(RDF.type), _n(KG.NetworkMeasurement), g),
        ox.Quad(whole, _n(KG.projection), name, g),
        ox.Quad(whole, _n(PROV.generatedAtTime), when, g),
        ox.Quad(whole, _n(PROV.wasGeneratedBy), run, g),
    ]
    for key, prop in GRAPH_PROPERTY.items():
        if figures.get(key) is not None:
            quads.append(ox.Quad(whole, _n(KG[prop]), _number(figures[key]), g))
    for note in figures.get("notes", []):
        quads.append(ox.Quad(whole, _n(RDFS.comment), ox.Literal(note), g))
    for node in graph:
        m = _n(f"{base}metric/{projection}/{hashlib.sha1(str(node).encode()).hexdigest()[:16]}")
        quads += [
            ox.Quad(m, _n(RDF.type), _n(KG.Measurement), g),
            ox.Quad(m, _n(KG.node), _n(node), g),
            ox.Quad(m, _n(KG.projection), name, g),
            ox.Quad(m, _n(PROV.generatedAtTime), when, g),
            ox.Quad(m, _n(PROV.wasGeneratedBy), run, g),
        ]
        for metric in METRICS:
            value = metrics[node][metric]
            if value is not None:
                quads.append(ox.Quad(m, _n(KG[PROPERTY[metric]]), _number(value), g))
    return sorted(quads, key=lambda q: (q.subject.value, q.predicate.value, str(q.object)))


def _without_time(text: bytes) -> list[bytes]:
    return [line for line in text.splitlines() if b"generatedAtTime" not in line]


def load_into_graph(data_dir=None, build_dir=None, base=None, level: str = "public", progress=None):
    """After ``into_graph`` (and with its store closed): rebuild, so the new figures are in the graph,
    swapped in atomically. Returns the build as seen at ``level`` (``kg.generations.Level``)."""
    return generations.build(data_dir, build_dir, base, progress=progress, level=level).at(level)


def into_graph(store, projections, data_dir=None, build_dir=None, base=None, k=None, engine="auto",
               progress=None) -> list[tuple[Path, bool]]:  # fmt: skip
    """Compute the metrics of ``projections`` from ``store`` and write them under
    ``<build folder>/graph-extras/metrics-<projection>.nq``. Returns ``(path, changed)`` per projection.

    Everything comes from the build generation the store was opened from (``store.generation``):
    its level's records digest (the file's header), its build time, its build folder. ``data_dir``,
    ``build_dir`` and ``base`` are accepted for old callers and not needed. The caller closes the
    store and then runs ``kg.generations.build``, which loads the new figures atomically.
    """
    def files(when):
        for name in projections:
            graph, metrics, figures = measure_projection(store, name, k=k, engine=engine)
            yield f"metrics-{name}.nq", metrics_quads(graph, metrics, figures, name, store.base, store.level, when)

    return write_back(store, files)


def write_back(store, files) -> list[tuple[Path, bool]]:
    """Write figures computed from ``store`` beside the build generation it was opened from
    (``store.generation``): ``files(when)`` yields ``(file name, quads)``, ``when`` being the level's
    build time. Each file goes under the generation's graph-extras with its level's records digest
    as header, so ``kg.generations.build`` loads it with the records, atomically, and drops it once the
    records change; a file whose figures did not change is left alone. Returns ``(path, changed)``."""
    generation = getattr(store, "generation", None)
    if generation is None:
        raise ValueError("metrics are written back into the on-disk store only: open it with store \"oxigraph\" "
                         "(the default)")  # fmt: skip
    header = (generations.EXTRAS_HEADER + generations.level_records_digest(generation, store.level) + "\n").encode()
    when = generations.level_built_at(generation, store.level)
    folder = generations.extras_dir(generations.build_dir_of(generation))
    out = []
    for file_name, quads in files(when):
        data = header + ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
        path = folder / file_name
        same = path.is_file() and _without_time(path.read_bytes()) == _without_time(data)
        if not same:
            write_atomic(path, data)
        out.append((path, not same))
    return out
