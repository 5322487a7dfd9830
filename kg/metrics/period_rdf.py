"""Metrics per period back into the graph (``kg metrics --per year --into-graph``).

Same model as ``kg.metrics.rdf`` (which see), one ``kg:Measurement`` per node and period, with the
period named: ``kg:period "2024"`` (its label), ``kg:periodStart`` and ``kg:periodEnd`` (days,
both included). SPARQL can then ask for a node's betweenness in 2024::

    SELECT ?b WHERE { ?m a kg:Measurement ; kg:node organization:cfhr ; kg:projection "organizations" ;
                         kg:period "2024" ; kg:betweenness ?b }

The quads go to ``<build>/graph-extras/metrics-<projection>-periods.nq`` (with the records'
fingerprint header, so ``kg.generations.build`` loads them with the records, atomically); a rerun
that changes no figure leaves the file untouched.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox

from ..vocab import KG, PROV, RDF, RDFS, XSD
from .measure import METRICS
from .periods import PeriodTable, by_period
from .rdf import PROPERTY, _n, _number, write_back


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


def into_graph_by_period(store, projections, k=None, engine="auto", **choice) -> list[tuple[Path, bool]]:
    """Write the metrics per period of ``projections`` (``choice``: ``per``, ``window``, ``step``,
    ``period`` as in ``by_period``) beside the store's build generation, as ``kg.metrics.into_graph``
    does for all time; ``(path, changed)`` per projection. The caller closes the store and runs
    ``kg.metrics.load_into_graph`` to load them."""

    def files(when):
        for name in projections:
            table = by_period(store, name, k=k, engine=engine, **choice)
            yield f"metrics-{name}-periods.nq", period_quads(table, store.base, store.level, when)

    return write_back(store, files)
