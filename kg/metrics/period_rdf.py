"""Metrics per period back into the graph (``kg metrics --per year --into-graph``).

Same model as ``kg.metrics.rdf`` (which see), one ``kg:Measurement`` per node and period, with the
period named: ``kg:period "2024"`` (its label), ``kg:periodStart`` and ``kg:periodEnd`` (days,
both included). SPARQL can then ask for a node's betweenness in 2024::

    SELECT ?b WHERE { ?m a kg:Measurement ; kg:node organization:cfhr ; kg:projection "organizations" ;
                         kg:period "2024" ; kg:betweenness ?b }

The quads go to ``<build>/graph-extras/metrics-<projection>-periods.nq`` (with the records'
fingerprint header, so ``kg.project.build`` loads them with the records, atomically); a rerun
that changes no figure leaves the file untouched.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox

from .. import config, project
from ..export import write_atomic
from ..vocab import KG, PROV, RDF, RDFS, XSD
from .measure import METRICS
from .periods import PeriodTable, by_period
from .rdf import PROPERTY, _live, _n, _number, _without_time


def period_quads(table: PeriodTable, base: str, level: str = "public",
                 generated_at: str = "1970-01-01T00:00:00Z") -> list[ox.Quad]:  # fmt: skip
    """The tidy table as sorted quads in ``{base}graph/{level}/metrics``."""
    g = _n(f"{base}graph/{level}/metrics")
    when = ox.Literal(generated_at, datatype=_n(XSD.dateTime))
    name = table.projection
    run = _n(f"{base}metric/{name}/periods/run")
    quads = [
        ox.Quad(run, _n(RDF.type), _n(PROV.Activity), g),
        ox.Quad(run, _n(RDFS.label), ox.Literal(f"kg metrics per period of the {name} projection"), g),
        ox.Quad(run, _n(KG.algorithm), ox.Literal("kg.metrics.by_period"), g),
    ]
    parameters = {getattr(m, "parameters", "") for m in table.metrics.values()}
    for text in sorted(p for p in parameters if p):
        quads.append(ox.Quad(run, _n(KG.parameters), ox.Literal(text), g))
    for row in table.rows:
        key = hashlib.sha1(f"{row['period']}\0{row['id']}".encode()).hexdigest()[:16]
        m = _n(f"{base}metric/{name}/period/{key}")
        quads += [
            ox.Quad(m, _n(RDF.type), _n(KG.Measurement), g),
            ox.Quad(m, _n(KG.node), _n(row["id"]), g),
            ox.Quad(m, _n(KG.projection), ox.Literal(name), g),
            ox.Quad(m, _n(KG.period), ox.Literal(row["period"]), g),
            ox.Quad(m, _n(KG.periodStart), ox.Literal(row["period_start"], datatype=_n(XSD.date)), g),
            ox.Quad(m, _n(KG.periodEnd), ox.Literal(row["period_end"], datatype=_n(XSD.date)), g),
            ox.Quad(m, _n(PROV.generatedAtTime), when, g),
            ox.Quad(m, _n(PROV.wasGeneratedBy), run, g),
        ]
        for metric in METRICS:
            if row[metric] is not None:
                quads.append(ox.Quad(m, _n(KG[PROPERTY[metric]]), _number(row[metric]), g))
    return sorted(quads, key=lambda q: (q.subject.value, q.predicate.value, str(q.object)))


def into_graph_by_period(store, projections, data_dir=None, build_dir=None, base=None, k=None, engine="auto",
                         **choice) -> list[tuple[Path, bool]]:  # fmt: skip
    """Write the metrics per period of ``projections`` (``choice``: ``per``, ``window``, ``step``,
    ``period`` as in ``by_period``) under graph-extras; ``(path, changed)`` per projection. The
    caller closes the store and runs ``kg.project.build`` to load them."""
    data_dir, build_dir, base = config.data_dir(data_dir), config.build_dir(build_dir), config.base_iri(base)
    if getattr(store, "kind", "") != "oxigraph" or not hasattr(store, "inner"):
        raise ValueError("--into-graph writes into the on-disk store: use --store oxigraph (the default)")
    live = _live(build_dir)
    header = (project.EXTRAS_HEADER + project.level_records_digest(live, store.level) + "\n").encode()
    when = project.level_built_at(live, store.level)
    out = []
    for name in projections:
        table = by_period(store, name, k=k, engine=engine, **choice)
        data = header + ox.serialize(period_quads(table, base, store.level, when), format=ox.RdfFormat.N_QUADS)
        path = project.extras_dir(build_dir) / f"metrics-{name}-periods.nq"
        same = path.is_file() and _without_time(path.read_bytes()) == _without_time(data)
        if not same:
            write_atomic(path, data)
        out.append((path, not same))
    return out
