"""What a query answered, in one shape for every store and every reader: ``Answer``.

A store turns its engine's own result into an ``Answer`` (``Store.answer``): pyoxigraph's directly,
term by term, with no rdflib ``Result`` or ``Graph`` in between; rdflib's (the ``memory`` store, a
remote server) through ``from_rdflib``. `kg query`, `kg serve` and the Python API's ``kg.sparql.run``
all read an ``Answer`` and render it with ``kg.sparql.results`` in a format of ``kg.formats``.
``Store.query`` still returns an ``rdflib.query.Result``: the adapter for notebooks. An answer from
Oxigraph needs no rdflib (``kg.terms`` spells its literals).

Cells are SPARQL 1.1 Query Results JSON terms (``{"type": "uri", "value": …}``). Literals come in
one of two spellings, chosen by the reader: ``normalize=True`` (what `kg query` prints) spells them
as rdflib does (``"…Z"^^xsd:dateTime`` as ``…+00:00``, ``"1.0E0"^^xsd:double`` as ``1.0``), so an
answer reads the same on every store, the rdflib-based ones included; ``normalize=False`` (what
`kg serve` sends) keeps the store's own lexical form, as the SPARQL protocol carries it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from .terms import ox_json, spelled, spelled_json


@dataclass
class Answer:
    """What a query gave: ``kind`` is SELECT, ASK or CONSTRUCT (also for DESCRIBE). ``truncated``
    when more rows (or triples) than asked for were left out."""

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    boolean: bool | None = None
    triples: list = field(default_factory=list)  # pyoxigraph Triples
    truncated: bool = False

    def render(self, fmt: str, base: str, width: int | None = None) -> bytes:
        from .sparql.results import TABLE_WIDTH, format_boolean, format_graph, format_select

        if self.kind == "ASK":
            return format_boolean(bool(self.boolean), fmt).encode()
        if self.kind == "CONSTRUCT":
            return format_graph(self.triples, fmt, base)
        return format_select(self.variables, self.rows, fmt, base, TABLE_WIDTH if width is None else width).encode()


def from_oxigraph(result, normalize: bool = True, max_rows: int | None = None) -> Answer:
    """An ``Answer`` from pyoxigraph's own result (``QueryBoolean``, ``QuerySolutions`` or ``QueryTriples``);
    at most ``max_rows`` rows or triples when given."""
    if isinstance(result, ox.QueryBoolean):
        return Answer("ASK", boolean=bool(result))
    items, truncated = [], False
    for item in result:
        if max_rows is not None and len(items) == max_rows:
            truncated = True
            break
        items.append(item)
    seen: dict = {}  # answers repeat the same IRIs and labels in many rows: convert each term once
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        convert = spelled_json if normalize else ox_json  # kg.terms: no rdflib
        known = seen.get  # one lookup a cell, in a plain loop (54,913 rows of 6 terms: 0.56 s -> 0.36 s)
        rows = []
        for item in items:
            row = []
            for term in item:  # a solution gives its values in the order of the variables, None when unbound
                if term is not None:
                    cell = known(term)
                    if cell is None:
                        cell = seen[term] = convert(term)
                    term = cell
                row.append(term)
            rows.append(row)
        return Answer("SELECT", variables=variables, rows=rows, truncated=truncated)
    if normalize:
        spell = lambda term: seen[term] if term in seen else seen.setdefault(term, spelled(term))  # noqa: E731
        items = [ox.Triple(t.subject, t.predicate, spell(t.object)) for t in items]
    return Answer("CONSTRUCT", triples=items, truncated=truncated)


def from_rdflib(result) -> Answer:
    """An ``Answer`` from an ``rdflib.query.Result`` (the memory store, a remote server)."""
    from .rdflib_terms import term_json, to_ox
    from .sparql.results import _rows

    if result.type == "ASK":
        return Answer("ASK", boolean=bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return Answer("CONSTRUCT", triples=[ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in result.graph])
    variables = [str(v) for v in result.vars]
    rows = [[term_json(row.get(v)) for v in result.vars] for row in _rows(result)]
    return Answer("SELECT", variables=variables, rows=rows)
