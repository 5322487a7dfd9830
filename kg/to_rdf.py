"""Records → RDF quads (the build step): IRI minting, entity resolution by id, provenance.

Every triple a report states goes into that report's named graph, with the sentence behind it as a
``kg:Evidence`` node; registry triples go into the registry graph. Facts above ``public`` go into
graphs of their level, so a reader at a level simply queries the graphs at or below it
(see docs/graph-model.md). Terms are pyoxigraph terms: they are checked and cheap, and the quads
bulk-load straight into the store.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from urllib.parse import unquote

import pyoxigraph as ox

from . import vocab
from .levels import LEVEL_RANK, graph_level, max_level  # noqa: F401 - LEVEL_RANK kept for old callers
from .records import Event, NameMatcher, Quote, Records, Report, SourceText
from .vocab import KG, ORG, PART, PROV, RDF, RDFS, SCHEMA, SECTOR, SKOS, THEME, XSD

FREE_TEXT = {str(XSD.string), str(XSD.anyURI), "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"}  # checked for names
_NODES: dict[str, ox.NamedNode] = {}  # IRI -> node: the same few thousand terms recur in millions of quads


def N(iri) -> ox.NamedNode:  # noqa: N802 - reads like the RDF it writes
    if isinstance(iri, ox.NamedNode):
        return iri
    iri = str(iri)  # rdflib's URIRef never equals a plain str: key by the text itself
    node = _NODES.get(iri)
    if node is None:
        node = _NODES[iri] = ox.NamedNode(iri)
    return node


class _Terms:
    """A vocabulary namespace whose terms are pyoxigraph nodes, each made once (rdflib makes and
    checks a new URIRef on every attribute access, which at a million quads is seconds)."""

    def __init__(self, namespace):
        self._namespace = namespace

    def __getattr__(self, name: str) -> ox.NamedNode:
        node = N(getattr(self._namespace, name))
        setattr(self, name, node)
        return node


KG, ORG, PROV, RDF, RDFS, SCHEMA, SKOS, XSD = (_Terms(ns) for ns in (KG, ORG, PROV, RDF, RDFS, SCHEMA, SKOS, XSD))


def lit(value, datatype=None) -> ox.Literal:
    if datatype is not None:
        return ox.Literal(str(value), datatype=N(datatype))
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=N(XSD.boolean))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=N(XSD.integer))
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=N(XSD.decimal if value == value else XSD.double))
    return ox.Literal(str(value))


def date_literal(text: str) -> ox.Literal:
    datatype = {4: XSD.gYear, 7: XSD.gYearMonth}.get(len(text), XSD.date)
    return lit(text, datatype)


def slugify(text: str) -> str:
    """A readable IRI segment from free text ("Director, CGR" -> "director-cgr")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or hashlib.sha1(text.encode()).hexdigest()[:12]


class Minter:
    """Stable, readable IRIs under one base namespace."""

    def __init__(self, base: str):
        self.base = base

    def __call__(self, *parts: str) -> ox.NamedNode:
        return ox.NamedNode(self.base + "/".join(parts))

    def graph(self, name: str, level: str = "public") -> ox.NamedNode:
        return self("graph", level, name)


class _Emitter:
    def __init__(self, records: Records, base: str):
        self.records = records
        self.iri = Minter(base)
        self.quads: list[ox.Quad] = []
        self.origin: dict[str, object] = {}  # IRI -> Loc of the record it came from (for SHACL messages)
        self._quote_levels: dict[str, str] = {}
        self._digests: dict[str, str] = {}
        # names that must not appear in a quote or free text shown below their level
        self.sensitive_names = NameMatcher(
            [(n, p.sensitivity, True) for p in records.people.values() if p.sensitivity != "public"
             for n in (p.name, *p.aliases)]
            + [(n, o.sensitivity, False) for o in records.organizations.values() if o.sensitivity != "public"
               for n in (o.name, *o.acronyms, *o.aliases)]
        )  # fmt: skip
        self.entity_level: dict[str, str] = {}
        for p in records.people.values():
            self.entity_level[self.person(p.id).value] = p.sensitivity
        for o in records.organizations.values():
            self.entity_level[self.org(o.id).value] = o.sensitivity
        # a source or event whose id names someone goes up to their level: the id is in many IRIs
        self.source_level = {r.source.id: max_level(r.source.sensitivity, self.text_level(r.source.id))
                             for r in records.reports}  # fmt: skip
        for r in records.reports:
            for e in r.events:
                named = self.text_level(e.id, e.name, e.venue, *(s.name for s in e.sections))
                self.entity_level[self.event(e.id).value] = max_level(e.sensitivity, self.source_level[r.source.id], named)
        self._linked: set[tuple[str, str]] = set()

    # IRIs -------------------------------------------------------------------------------------------
    def person(self, pid: str) -> ox.NamedNode:
        return self.iri("person", pid)

    def org(self, oid: str) -> ox.NamedNode:
        return self.iri("org", oid)

    def event(self, eid: str) -> ox.NamedNode:
        return self.iri("event", eid)

    def entity(self, ident: str) -> ox.NamedNode:
        """A person, organization or event, by id (ids are checked to exist before the build)."""
        if ident in self.records.people:
            return self.person(ident)
        if ident in self.records.organizations:
            return self.org(ident)
        return self.event(ident)

    def level_of(self, *nodes: ox.NamedNode, own: str = "public") -> str:
        return max_level(own, *(self.entity_level.get(n.value, "public") for n in nodes))

    # writing ----------------------------------------------------------------------------------------
    def take(self) -> list[ox.Quad]:
        """The quads added since the last call."""
        quads, self.quads = self.quads, []
        return quads

    def add(self, graph: ox.NamedNode, s, p, o) -> None:
        if self.sensitive_names and isinstance(o, ox.Literal) and o.datatype.value in FREE_TEXT:
            o = self.checked_text(graph, s, N(p), o)
        self.quads.append(ox.Quad(s, N(p), o, graph))

    def checked_text(self, graph: ox.NamedNode, s, p: ox.NamedNode, o: ox.Literal) -> ox.Literal:
        """Free text written at a level is checked against the names above it: text that names
        someone higher (a source's title, URL or file name, a city, a person's or organization's
        name or alias…) is written whole only in the same-named graph of that level, and replaced
        by a marker here, so a public reader sees that a value was withheld but not the value."""
        level = graph_level(graph.value, self.iri.base)
        if level is None:
            return o
        needed = max_level(level, self.text_level(o.value))
        if needed == level:
            return o
        name = graph.value[len(self.iri.base + "graph/" + level + "/") :]
        higher = self.iri.graph(name, needed)
        self.quads.append(ox.Quad(s, p, o, higher))
        if name != "registry" and (name, needed) not in self._linked:  # as for any graph of a source
            self._linked.add((name, needed))
            self.quads.append(ox.Quad(higher, N(PROV.wasDerivedFrom), self.iri("source", name), self.iri.graph("registry", needed)))
        return lit(f"[withheld: this text names someone recorded at the {needed} level]")

    def note(self, graph: ox.NamedNode, s, text: str | None) -> None:
        """The curator's note on a record, as ``skos:editorialNote`` on the node the record made, in the
        graph of that fact: a note is as restricted as what it explains (and, as free text, withheld
        where it names someone above that level)."""
        if text:
            self.add(graph, s, SKOS.editorialNote, lit(text))

    def add_all(self, graph: ox.NamedNode, s, pairs) -> None:
        for p, o in pairs:
            if o is not None:
                self.add(graph, s, p, o)

    def evidence(self, report: Report, graph: ox.NamedNode, quote: Quote, subject_key: str) -> ox.NamedNode:
        """The node for a quote in ``graph``. A quote that names someone above the graph's level is
        withheld there: a ``kg:WithheldEvidence`` node without the text or its line, named after the
        fact (``subject_key``) rather than the sentence, so the public source cannot be searched for
        it. The real quote lives only in the graph of its level."""
        level = graph_level(graph.value, self.iri.base) or "public"
        needed = max_level(level, self.quote_level(quote.text))
        source = self.iri("source", report.source.id)
        if needed != level:
            node = self.iri("evidence", report.source.id, "withheld-" + hashlib.sha1(subject_key.encode()).hexdigest()[:12])
            self.add_all(graph, node, [(RDF.type, N(KG.WithheldEvidence)), (PROV.wasQuotedFrom, source),
                                       (KG.quote, lit(f"[withheld: this sentence names someone recorded at the {needed} level]"))])  # fmt: skip
            return node
        node = self.iri("evidence", report.source.id, self.quote_digest(quote.text))
        self.add_all(graph, node, [
            (RDF.type, N(KG.Evidence)),
            (KG.quote, lit(quote.text)),
            (PROV.wasQuotedFrom, source),
            (KG.line, lit(quote.line_in_source)),
        ])  # fmt: skip
        return node

    def derive(self, report: Report, graph: ox.NamedNode, subject: ox.NamedNode, quote: Quote) -> ox.NamedNode:
        """Link a fact to the sentence that states it; returns the evidence node linked in ``graph``."""
        node = self.evidence(report, graph, quote, subject.value)
        self.add(graph, subject, PROV.wasDerivedFrom, node)
        level = graph_level(graph.value, self.iri.base) or "public"
        needed = max_level(level, self.quote_level(quote.text))
        if needed != level:  # the full quote, readable only at its own level
            higher = self.iri.graph(report.source.id, needed)
            self.add(self.iri.graph("registry", needed), higher, PROV.wasDerivedFrom, self.iri("source", report.source.id))
            self.add(higher, subject, PROV.wasDerivedFrom, self.evidence(report, higher, quote, subject.value))
        return node

    def quote_digest(self, text: str) -> str:
        digest = self._digests.get(text)
        if digest is None:
            digest = self._digests[text] = hashlib.sha1(SourceText.fold(text).encode()).hexdigest()[:12]
        return digest

    def quote_level(self, text: str) -> str:
        """The highest level of any person or organization whose name, alias or acronym the text uses."""
        if not self.sensitive_names:  # nothing above public to look for
            return "public"
        level = self._quote_levels.get(text)
        if level is None:  # each quote is asked about several times (its graph, each fact it backs)
            level = self._quote_levels[text] = self._find_quote_level(text)
        return level

    def _find_quote_level(self, text: str) -> str:
        return max_level("public", *self.sensitive_names.find(text))

    def text_level(self, *texts: str | None) -> str:
        """The level of free text (names, titles, units, URLs) by the names it uses, like a quote's;
        a percent-encoded URL or file name is read decoded too."""
        texts = [t for t in texts if t]
        texts += [unquote(t) for t in texts if "%" in t]
        return max_level("public", *(self.quote_level(t) for t in texts))

    # registries -------------------------------------------------------------------------------------
    def registry(self) -> None:
        for p in self.records.people.values():
            g = self.iri.graph("registry", p.sensitivity)
            s = self.person(p.id)
            self.origin[s.value] = p.loc
            self.add_all(g, s, [(RDF.type, N(vocab.FOAF.Person)), (RDF.type, N(SCHEMA.Person)),
                                (SCHEMA.name, lit(p.name)), (RDFS.label, lit(p.name)),
                                (SCHEMA.honorificPrefix, lit(p.honorific) if p.honorific else None),
                                (KG.sensitivity, N(vocab.LEVEL[p.sensitivity]))])  # fmt: skip
            for alias in p.aliases:
                self.add(g, s, SKOS.altLabel, lit(alias))
            self.note(g, s, p.note)
        for o in self.records.organizations.values():
            s = self.org(o.id)
            self.origin[s.value] = o.loc
            g = self.iri.graph("registry", o.sensitivity)
            extra_type = {"unit": ORG.OrganizationalUnit, "alliance": KG.Alliance, "network": KG.Network}.get(o.kind)
            self.add_all(g, s, [(RDF.type, N(ORG.Organization)), (RDF.type, N(SCHEMA.Organization)),
                                (RDF.type, N(extra_type) if extra_type else None),
                                (SCHEMA.name, lit(o.name)), (RDFS.label, lit(o.name)),
                                (KG.sector, N(SECTOR[o.sector])),
                                (KG.country, lit(o.country) if o.country else None),
                                (KG.sensitivity, N(vocab.LEVEL[o.sensitivity]))])  # fmt: skip
            for acronym in o.acronyms:
                self.add(g, s, KG.acronym, lit(acronym))
                self.add(g, s, SKOS.altLabel, lit(acronym))
            for alias in o.aliases:
                self.add(g, s, SKOS.altLabel, lit(alias))
            self.note(g, s, o.note)
            if o.parent:
                parent = self.org(o.parent)
                pg = self.iri.graph("registry", self.level_of(parent, own=o.sensitivity))
                self.add(pg, s, ORG.subOrganizationOf, parent)
                self.add(pg, parent, ORG.hasSubOrganization, s)

    # reports ----------------------------------------------------------------------------------------
    def report(self, report: Report) -> None:
        src = report.source
        s = self.iri("source", src.id)
        src_level = self.source_level[src.id]
        g0 = self.iri.graph(src.id, src_level)
        self.add_all(g0, s, [(RDF.type, N(PROV.Entity)), (RDF.type, N(SCHEMA.CreativeWork)),
                             (vocab.DCTERMS.title, lit(src.title)), (KG.file, lit(src.file)),
                             (SCHEMA.url, lit(src.url, XSD.anyURI) if src.url else None),
                             (vocab.DCTERMS.issued, date_literal(src.published) if src.published else None),
                             (vocab.DCTERMS.type, lit(src.type) if src.type else None)])  # fmt: skip
        self.add(self.iri.graph("registry", src_level), g0, PROV.wasDerivedFrom, s)
        self.note(g0, s, src.note)

        def graph_for(*nodes, own="public"):
            level = self.level_of(*nodes, own=max_level(own, src_level))
            g = self.iri.graph(src.id, level)
            if level != src_level:
                self.add(self.iri.graph("registry", level), g, PROV.wasDerivedFrom, s)
            return g

        for event in report.events:
            self.event_facts(report, event, graph_for)
        for a in report.affiliations:
            person, org = self.person(a.person), self.org(a.organization)
            g = graph_for(person, org, own=max_level(a.sensitivity, self.text_level(a.title)))
            parts = [a.person, a.organization] + ([slugify(a.title)] if a.title else [])
            m = self.iri("membership", *parts)
            self.origin[m.value] = a.loc
            self.add_all(g, m, [(RDF.type, N(ORG.Membership)), (ORG.member, person), (ORG.organization, org),
                                (KG.title, lit(a.title) if a.title else None)])  # fmt: skip
            self.derive(report, g, m, a.quote)
            self.note(g, m, a.note)
            if a.title:
                role = self.iri("role", slugify(a.title))
                self.add(g, m, ORG.role, role)
                self.add_all(g, role, [(RDF.type, N(ORG.Role)), (RDFS.label, lit(a.title))])
            self.add(g, person, ORG.memberOf, org)
        for r in report.relations:
            subj, obj = self.entity(r.subject), self.entity(r.object)
            g = graph_for(subj, obj, own=r.sensitivity)
            predicate = N(vocab.RELATIONS[r.predicate])
            self.add(g, subj, predicate, obj)
            st = self.iri("statement", src.id, hashlib.sha1(f"{r.subject} {r.predicate} {r.object}".encode()).hexdigest()[:12])
            self.add_all(g, st, [(RDF.type, N(KG.Statement)), (RDF.subject, subj), (RDF.predicate, predicate),
                                 (RDF.object, obj), (vocab.DCTERMS.date, date_literal(r.date) if r.date else None)])  # fmt: skip
            self.derive(report, g, st, r.quote)
            self.note(g, st, r.note)
        for f in report.figures:
            about = self.entity(f.about) if f.about else None
            by = self.person(f.stated_by) if f.stated_by else None
            g = graph_for(*(x for x in (about, by) if x), own=max_level(f.sensitivity, self.text_level(f.unit)))
            # named by content, not position: a gap in 1..n would reveal a figure withheld at this level
            period = (f.start_date, f.end_date) if f.start_date or f.end_date else ()  # a dated figure keeps its IRI
            key = "\0".join(str(x) for x in (f.value, f.unit, f.about, f.stated_by, f.date, *period, f.quote.text))
            node = self.iri("figure", src.id, hashlib.sha1(key.encode()).hexdigest()[:12])
            self.origin[node.value] = f.loc
            self.add_all(g, node, [(RDF.type, N(KG.Figure)), (KG.about, about), (KG.statedBy, by),
                                   (RDF.value, lit(f.value)), (KG.unit, lit(f.unit)),
                                   (KG.qualifier, lit(f.qualifier) if f.qualifier else None),  # only as stated
                                   (vocab.DCTERMS.date, date_literal(f.date) if f.date else None),
                                   (SCHEMA.startDate, date_literal(f.start_date) if f.start_date else None),
                                   (SCHEMA.endDate, date_literal(f.end_date) if f.end_date else None)])  # fmt: skip
            self.derive(report, g, node, f.quote)
            self.note(g, node, f.note)

    def event_facts(self, report: Report, event: Event, graph_for) -> None:
        e = self.event(event.id)
        self.origin[e.value] = event.loc
        g = graph_for(e)
        place = self.iri("place", slugify(event.venue)) if event.venue else None
        self.add_all(g, e, [
            (RDF.type, N(SCHEMA.Event)), (KG.eventType, N(vocab.EVENT_TYPE[event.type])),
            (SCHEMA.name, lit(event.name)), (RDFS.label, lit(event.name)),
            (SCHEMA.startDate, date_literal(event.start_date) if event.start_date else None),
            (SCHEMA.endDate, date_literal(event.end_date) if event.end_date else None),
            (SCHEMA.duration, lit(event.duration, XSD.duration) if event.duration else None),
            (SCHEMA.location, place), (KG.city, lit(event.city) if event.city else None),
            (KG.country, lit(event.country) if event.country else None),
            (vocab.DCTERMS.source, self.iri("source", report.source.id)),
            (KG.sensitivity, N(vocab.LEVEL[self.level_of(e)])),
        ])  # fmt: skip
        self.note(g, e, event.note)
        if event.part_of:  # at the higher level of the two events: a public event must not name a restricted one
            parent = self.event(event.part_of)
            self.add_all(graph_for(e, parent), e, [(SCHEMA.superEvent, parent)])
        if place:
            self.add_all(g, place, [(RDF.type, N(SCHEMA.Place)), (SCHEMA.name, lit(event.venue)),
                                    (RDFS.label, lit(event.venue)),
                                    (KG.city, lit(event.city) if event.city else None),
                                    (KG.country, lit(event.country) if event.country else None)])  # fmt: skip
        for key, value in event.counts.items():
            self.add(g, e, vocab.COUNT_FIELDS[key], lit(value))
        for theme in event.themes:
            self.add(g, e, vocab.DCTERMS.subject, N(THEME[theme]))
        for key, quote in event.quotes.items():
            level = max_level(graph_level(g.value, self.iri.base) or "public", self.quote_level(quote.text))
            for graph in {g, self.iri.graph(report.source.id, level)}:  # withheld here, full at its level
                ev = self.evidence(report, graph, quote, f"{e.value} {key}")
                self.add(graph, ev, KG.about, e)
                self.add(graph, ev, KG.field, lit(key))
        for order, section in enumerate(event.sections, start=1):
            sec = self.iri("event", event.id, section.id)
            self.add_all(g, sec, [(RDF.type, N(SCHEMA.Event)), (RDF.type, N(KG.Section)),
                                  (SCHEMA.name, lit(section.name)), (RDFS.label, lit(section.name)),
                                  (SCHEMA.superEvent, e), (KG.order, lit(order))])  # fmt: skip
            self.note(g, sec, section.note)
            self.add(g, e, SCHEMA.subEvent, sec)
        listed = {"organizer": (event.organizers, SCHEMA.organizer), "partner": (event.partners, KG.partner),
                  "funder": (event.funders, SCHEMA.funder)}  # fmt: skip
        explicit = {(p.agent, p.role) for p in event.participants}
        for role, (orgs, predicate) in listed.items():
            for oid in orgs:
                org = self.org(oid)
                og = graph_for(e, org)
                self.add(og, e, predicate, org)
                if (oid, role) not in explicit:  # a listed organizer is also a participation
                    quote = event.quotes.get(role + "s") or event.quotes["name"]
                    self.participation(report, og, e, event.id, oid, org, role, quote)
        for oid in event.founded:
            org = self.org(oid)
            self.add(graph_for(e, org), e, KG.founded, org)
        for p in event.participants:
            agent = self.person(p.agent) if p.agent_kind == "person" else self.org(p.agent)
            pg = graph_for(e, agent, own=p.sensitivity)
            node = self.participation(report, pg, e, event.id, p.agent, agent, p.role, p.quote)
            self.origin[node.value] = p.loc
            self.note(pg, node, p.note)
            if p.section:
                self.add(pg, node, KG.section, self.iri("event", event.id, p.section))
            if p.title:  # a title may name an organization or person above the participation's level
                tg = graph_for(e, agent, own=max_level(p.sensitivity, self.text_level(p.title)))
                self.add(tg, node, KG.titleAsStated, lit(p.title))
            for theme in p.themes:
                self.add(pg, node, vocab.DCTERMS.subject, N(THEME[theme]))

    def participation(self, report, g, e, event_id, agent_id, agent, role, quote) -> ox.NamedNode:
        node = self.iri("participation", event_id, agent_id, role)
        self.add_all(g, node, [(RDF.type, N(KG.Participation)), (KG.agent, agent), (KG.event, e),
                               (KG.part, N(PART[role]))])  # fmt: skip
        self.derive(report, g, node, quote)
        self.add(g, agent, KG.participatedIn, e)
        return node


def record_quad_chunks(records: Records, base: str) -> Iterator[list[ox.Quad]]:
    """The quads of ``record_quads`` a few at a time (the registries, then one report at a time),
    so a large build never holds them all.

    Parameters:
        records: loaded and checked records (``kg.records.load_records``).
        base: the base namespace of the IRIs.

    Returns:
        An iterator of lists of quads; together exactly the quads of ``record_quads``, same order.

    Examples:
        >>> chunks = record_quad_chunks(load_records(Path("data")), "https://kg.example.org/id/")  # doctest: +SKIP
        >>> sum(len(chunk) for chunk in chunks) > 0  # doctest: +SKIP
        True
    """
    chunks = Chunks(records, base)
    yield chunks.registry()
    for report in records.reports:
        yield chunks.report(report)


class Chunks:
    """The quads of the records a part at a time: the registries, then each report. A report's quads
    depend only on the report, the registries and ``context(report)`` (so a build can keep them)."""

    def __init__(self, records: Records, base: str):
        self._emitter = _Emitter(records, base)

    def registry(self) -> list[ox.Quad]:
        self._emitter.registry()
        return self._emitter.take()

    def report(self, report: Report) -> list[ox.Quad]:
        self._emitter.report(report)
        return self._emitter.take()

    def context(self, report: Report) -> str:
        """What the report's quads take from other reports: the level of each event of another report
        it names (``part_of``, a relation's ends, what a figure is about); the rest comes from the
        report itself and the registries."""
        emitter = self._emitter
        named = {e.part_of for e in report.events if e.part_of} | {f.about for f in report.figures if f.about}
        named |= {x for r in report.relations for x in (r.subject, r.object)}
        levels = sorted((i, emitter.entity_level.get(emitter.entity(i).value, "public")) for i in named)
        return repr(levels)


def record_quads(records: Records, base: str, origins: dict | None = None) -> list[ox.Quad]:
    """All quads the records state (registries and reports), without the ontology. When ``origins``
    is given, it is filled with IRI -> Loc of the record each node came from."""
    emitter = _Emitter(records, base)
    emitter.registry()
    for report in records.reports:
        emitter.report(report)
    if origins is not None:
        origins.update(emitter.origin)
    return emitter.quads


def ontology_quads(ontology_dir, base: str) -> Iterator[ox.Quad]:
    """The ontology, themes and shapes, in their own graph so queries can use labels and hierarchy."""
    graph = Minter(base).graph("ontology")
    for name in ("kg.ttl", "themes.ttl"):
        path = ontology_dir / name
        labels: dict[str, ox.BlankNode] = {}  # the parser's labels are random: number them in file order

        def stable(term):
            if isinstance(term, ox.BlankNode):
                return labels.setdefault(term.value, ox.BlankNode(f"{path.stem}{len(labels) + 1}"))
            return term

        for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            yield ox.Quad(stable(triple.subject), triple.predicate, stable(triple.object), graph)
