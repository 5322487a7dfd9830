"""An entity of the graph (person, organization, event, source) as an HTML page: the queries that
gather what the page shows, and pure functions that turn their answers into HTML.

Shared by ``kg serve`` (``/id/person/…`` answered as Linked Data, ``kg.serve.entities``) and ``kg export
--html`` (``kg.static_site``): each runs the queries its own way, at its own level, and calls these.
Answers are SPARQL JSON bindings (``{"var": {"type": "uri", "value": …}}``); every text goes through
``html.escape``; a link is made only to a page of the graph's own entities (``href(iri)`` says where,
or None) and, for a value that is a web address, to that address, never to anything the page loads.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from urllib.parse import quote as url_quote

from . import vocab
from .bindings import with_values

KINDS = {"person": "Person", "org": "Organization", "event": "Event", "source": "Source"}
IDENT = re.compile(r"[A-Za-z0-9._~-]+(?:/[A-Za-z0-9._~-]+)*")  # the ids the minter writes (a section: event/sub)
SCHEMA, SKOS, KGNS, RDF = str(vocab.SCHEMA), str(vocab.SKOS), str(vocab.KG), str(vocab.RDF)
ANY_URI = str(vocab.XSD.anyURI)
NAME_PREDICATES = f"<{SCHEMA}name>|<{str(vocab.DCTERMS)}title>|<{str(vocab.RDFS)}label>"

# --- the queries (``?about`` becomes the entity's IRI (``about``), ``?q`` is bound to the search text) ----------------------

PROPERTIES = f"""SELECT ?p ?o (SAMPLE(?n) AS ?name) WHERE {{
  ?about ?p ?o .
  OPTIONAL {{ ?o {NAME_PREDICATES} ?n }}
}} GROUP BY ?p ?o ORDER BY ?p ?o"""

LINKED_FROM = f"""SELECT ?s ?p (SAMPLE(?n) AS ?name) WHERE {{
  ?s ?p ?about ; {NAME_PREDICATES} ?n .
}} GROUP BY ?s ?p ORDER BY ?p ?name ?s"""

# the events it took part in, organized, funded or partnered, with their dates
EVENTS = f"""SELECT ?event (SAMPLE(?n) AS ?name) (MIN(?d) AS ?date) (GROUP_CONCAT(DISTINCT ?how; separator=", ") AS ?as) WHERE {{
  {{ ?about <{KGNS}participatedIn> ?event . BIND("took part" AS ?how) }}
  UNION {{ ?event <{SCHEMA}organizer> ?about . BIND("organizer" AS ?how) }}
  UNION {{ ?event <{SCHEMA}funder> ?about . BIND("funder" AS ?how) }}
  UNION {{ ?event <{KGNS}partner> ?about . BIND("partner" AS ?how) }}
  ?event <{SCHEMA}name> ?n .
  OPTIONAL {{ ?event <{SCHEMA}startDate> ?d }}
}} GROUP BY ?event ORDER BY ?date ?name ?event"""

# people and organizations at the same events (taking part, organizing, funding or partnering)
NETWORK = f"""SELECT ?other (SAMPLE(?n) AS ?name) (COUNT(DISTINCT ?event) AS ?events) WHERE {{
  {{ ?about <{KGNS}participatedIn> ?event }} UNION {{ ?event <{SCHEMA}organizer>|<{SCHEMA}funder>|<{KGNS}partner> ?about }}
  {{ ?other <{KGNS}participatedIn> ?event }} UNION {{ ?event <{SCHEMA}organizer>|<{SCHEMA}funder>|<{KGNS}partner> ?other }}
  FILTER(?other != ?about)
  ?other <{SCHEMA}name> ?n .
}} GROUP BY ?other ORDER BY DESC(?events) ?name ?other"""

# a source's sentences that the graph quotes, in the order of the text
QUOTED = f"""SELECT ?quote (MIN(?l) AS ?line) WHERE {{
  ?evidence <{str(vocab.PROV)}wasQuotedFrom> ?about ; <{KGNS}quote> ?quote .
  OPTIONAL {{ ?evidence <{KGNS}line> ?l }}
}} GROUP BY ?quote ORDER BY ?line ?quote"""

# the entity's own triples, the facts about it (nodes without a name that point at it) with their
# evidence, and the triples of named things that point at it: what the RDF answers hold
GRAPH = f"""CONSTRUCT {{ ?about ?p ?o . ?s ?sp ?about . ?node ?np ?no . ?evidence ?ep ?eo }} WHERE {{
  {{ ?about ?p ?o }}
  UNION {{ ?s ?sp ?about }}
  UNION {{ ?node ?link ?about ; ?np ?no . FILTER NOT EXISTS {{ ?node <{SCHEMA}name> ?x }} }}
  UNION {{ ?fact ?link2 ?about ; <{str(vocab.PROV)}wasDerivedFrom> ?evidence . ?evidence ?ep ?eo .
          FILTER NOT EXISTS {{ ?fact <{SCHEMA}name> ?y }} }}
}}"""

# people, organizations, events and sources whose name or an alias contains ?q (any case)
SEARCH = f"""SELECT ?entity ?type ?name (GROUP_CONCAT(DISTINCT ?alias; separator=" | ") AS ?aliases) WHERE {{
  VALUES ?type {{ <{SCHEMA}Person> <{SCHEMA}Organization> <{SCHEMA}Event> <{SCHEMA}CreativeWork> }}
  ?entity a ?type ; {NAME_PREDICATES} ?name .
  ?entity {NAME_PREDICATES}|<{SKOS}altLabel> ?label .
  FILTER(CONTAINS(LCASE(STR(?label)), LCASE(STR(?q))))
  OPTIONAL {{ ?entity <{SKOS}altLabel> ?alias }}
}} GROUP BY ?entity ?type ?name ORDER BY ?type ?name ?entity"""

TYPE_LABELS = {f"{SCHEMA}Person": "Person", f"{SCHEMA}Organization": "Organization", f"{SCHEMA}Event": "Event",
               f"{SCHEMA}CreativeWork": "Source"}  # fmt: skip


def entity_iri(base: str, kind: str, ident: str) -> str | None:
    """The IRI of ``{base}{kind}/{ident}``, or None when that cannot be an entity's address."""
    if kind not in KINDS or not IDENT.fullmatch(ident) or ".." in ident.split("/"):
        return None
    return f"{base}{kind}/{ident}"


def split_iri(iri: str, base: str) -> tuple[str, str] | None:
    """(kind, id) of an entity's IRI under ``base``, or None for any other IRI."""
    if not iri.startswith(base):
        return None
    kind, _, ident = iri[len(base) :].partition("/")
    return (kind, ident) if entity_iri(base, kind, ident) else None


IRIREF = re.compile(r"[^<>\"{}|^`\\\x00-\x20]+")  # what SPARQL allows between < and >


def about(query: str, iri: str) -> str:
    """One of the queries above with ``?about`` written as the IRI ``<iri>``: a constant in every
    branch lets the engine start from it (a VALUES block joins after a UNION's branches are each
    evaluated in full: 30 times slower on 1,000 synthetic events). Raises ValueError for text that is
    not an IRI, so nothing but an IRI can ever reach the query's syntax."""
    if not IRIREF.fullmatch(iri):
        raise ValueError(f"not an IRI: {iri!r}")
    return re.sub(r"\?about\b", lambda _: f"<{iri}>", query)


def bound(query: str, q: str) -> str:
    """``query`` with ``?q`` (a search text) bound as a value, never pasted as syntax."""
    from rdflib import Literal

    return with_values(query, {"q": Literal(q)})


def facts_query(about: str) -> str:
    """The ``provenance`` named query for one entity: every fact about it with its sentence and source."""
    from . import sparql

    from rdflib import URIRef

    return with_values(sparql.named_query("provenance").text, {"about": URIRef(about)})


# --- rendering ----------------------------------------------------------------------------------------------


def e(text) -> str:
    return html.escape(str(text), quote=True)


def value(cell: dict | None) -> str:
    return "" if cell is None else str(cell.get("value", ""))


def short(iri: str, base: str) -> str:
    if iri.startswith(base):
        return iri[len(base) :]
    for prefix, ns in vocab.PREFIXES.items():
        if iri.startswith(str(ns)) and len(iri) > len(str(ns)):
            return f"{prefix}:{iri[len(str(ns)):]}"
    return iri


def term_html(cell: dict | None, base: str, href: Callable[[str], str | None], name: str = "") -> str:
    """A value: a link to an entity's page, a web address as a link, an IRI as short text, a literal as text."""
    if cell is None:
        return ""
    text = value(cell)
    if cell.get("type") == "uri":
        target = href(text)
        label = name or short(text, base)
        if target is not None:
            return f'<a href="{e(target)}">{e(label)}</a>'
        return f'<span class="iri" title="{e(text)}">{e(label)}</span>'
    if cell.get("datatype") == ANY_URI and re.fullmatch(r"https?://[^\s<>\"]+", text):  # a source report's address
        return f'<a href="{e(text)}" rel="noopener noreferrer nofollow">{e(text)}</a>'
    return e(text)


def page(title: str, body: str, assets: str, index: str, q: str = "") -> str:
    """A whole document: ``assets`` is where the style and script are, ``index`` the index page (search)."""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{e(title)}</title>
<link rel="stylesheet" href="{e(assets)}entity.css">
</head>
<body>
<header class="site">
<a class="home" href="{e(index)}">kg: all entities</a>
<form class="search" action="{e(index)}" method="get" role="search">
<input type="search" name="q" value="{e(q)}" placeholder="name or alias" aria-label="Find a person, organization or event by name or alias">
<button type="submit">Find</button>
</form>
</header>
<main>
{body}
</main>
<script src="{e(assets)}search.js"></script>
</body>
</html>
"""


def name_of(iri: str, properties: list[dict]) -> str:
    for row in properties:
        if value(row.get("p")) in (f"{SCHEMA}name", f"{str(vocab.DCTERMS)}title"):
            return value(row.get("o"))
    for row in properties:
        if value(row.get("p")) == f"{str(vocab.RDFS)}label":
            return value(row.get("o"))
    return iri.rsplit("/", 1)[-1]


FACT_COLUMNS = ("fact", "kind", "detail", "quote", "source", "line")


def facts_html(facts: list[dict], base: str, href) -> str:
    if not facts:
        return "<p>No fact about it is recorded with a sentence at this level.</p>"
    extra = sorted({k for row in facts for k in row} - set(FACT_COLUMNS))  # e.g. a curator's note
    head = "".join(f"<th>{e(x)}</th>" for x in ("What", "Detail", "Sentence", "Source", *extra))
    rows = []
    for row in facts:
        source = term_html(row.get("source"), base, href)
        line = value(row.get("line"))
        where = f"{source}{', line ' + e(line) if line else ''}"
        cells = [e(value(row.get("kind"))), e(value(row.get("detail"))),
                 f'<blockquote class="sentence">{e(value(row.get("quote")))}</blockquote>', where,
                 *(term_html(row.get(x), base, href) for x in extra)]  # fmt: skip
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return f'<table class="facts"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def properties_html(properties: list[dict], base: str, href) -> str:
    rows = [f"<tr><th>{e(short(value(r.get('p')), base))}</th><td>{term_html(r.get('o'), base, href, value(r.get('name')))}</td></tr>"
            for r in properties]  # fmt: skip
    return f'<table class="properties"><tbody>{"".join(rows)}</tbody></table>'


def linked_from_html(linked: list[dict], base: str, href) -> str:
    if not linked:
        return "<p>Nothing named links here.</p>"
    items = [f"<li>{term_html(r.get('s'), base, href, value(r.get('name')))} <span class=\"via\">"
             f"({e(short(value(r.get('p')), base))})</span></li>" for r in linked]  # fmt: skip
    return f'<ul class="linked">{"".join(items)}</ul>'


def events_html(events: list[dict], base: str, href) -> str:
    if not events:
        return "<p>No event of its own at this level.</p>"
    items = [f"<li>{e(value(r.get('date')) or 'undated')}: {term_html(r.get('event'), base, href, value(r.get('name')))} "
             f"<span class=\"via\">({e(value(r.get('as')))})</span></li>" for r in events]  # fmt: skip
    return f'<ul class="events">{"".join(items)}</ul>'


def quoted_html(quoted: list[dict]) -> str:
    items = [f'<li><span class="via">line {e(value(r.get("line")) or "?")}:</span> '
             f'<blockquote class="sentence">{e(value(r.get("quote")))}</blockquote></li>' for r in quoted]  # fmt: skip
    return f'<ul class="quoted">{"".join(items)}</ul>'


def network_html(network: list[dict], base: str, href) -> str:
    if not network:
        return "<p>No one else at the same events at this level.</p>"
    items = []
    for r in network:
        n = value(r.get("events"))
        items.append(f"<li>{term_html(r.get('other'), base, href, value(r.get('name')))} "
                     f"<span class=\"via\">({e(n)} shared event{'' if n == '1' else 's'})</span></li>")  # fmt: skip
    return f'<ul class="network">{"".join(items)}</ul>'


def entity_html(iri: str, base: str, properties: list[dict], facts: list[dict], linked: list[dict],
                network: list[dict], href: Callable[[str], str | None], assets: str, index: str,
                events: list[dict] = (), quoted: list[dict] = ()) -> str:  # fmt: skip
    """The page of one entity from the answers of PROPERTIES, the provenance query, LINKED_FROM, NETWORK
    and EVENTS (and, for a source, QUOTED)."""
    name = name_of(iri, properties)
    kind = KINDS.get((split_iri(iri, base) or ("", ""))[0], "Entity")
    aliases = [value(r.get("o")) for r in properties if value(r.get("p")) == f"{SKOS}altLabel"]
    also = f'<p class="aliases">Also named: {e(", ".join(aliases))}</p>' if aliases else ""
    body = f"""<h1>{e(name)}</h1>
<p class="kind">{e(kind)} · <code class="iri">{e(iri)}</code></p>
{also}
<section id="facts"><h2>Facts, each with its sentence and source</h2>
{facts_html(facts, base, href)}
</section>
<section id="events"><h2>Its events</h2>
{events_html(list(events), base, href)}
</section>
<section id="network"><h2>In the network: at the same events</h2>
{network_html(network, base, href)}
</section>
<section id="linked"><h2>Linked from</h2>
{linked_from_html(linked, base, href)}
</section>
{f'<section id="quoted"><h2>Sentences the graph quotes from it</h2>{quoted_html(list(quoted))}</section>' if quoted else ""}
<section id="properties"><h2>Everything the graph states about it</h2>
{properties_html(properties, base, href)}
</section>"""
    return page(f"{name} ({kind})", body, assets, index)


def index_html(entities: list[dict], base: str, href, assets: str, index: str, q: str = "",
               truncated: bool = False) -> str:  # fmt: skip
    """The index (and search answer): the SEARCH query's rows, grouped by type."""
    groups: dict[str, list[str]] = {}
    for r in entities:
        label = TYPE_LABELS.get(value(r.get("type")), "Other")
        names = " ".join([value(r.get("name")), value(r.get("aliases"))]).lower()
        aliases = value(r.get("aliases"))
        note = f' <span class="via">({e(aliases.replace(" | ", ", "))})</span>' if aliases else ""
        groups.setdefault(label, []).append(
            f'<li data-names="{e(names)}">{term_html(r.get("entity"), base, href, value(r.get("name")))}{note}</li>')
    sections = "".join(f'<section class="group"><h2>{e(label)}s ({len(items)})</h2><ul>{"".join(items)}</ul></section>'
                       for label, items in groups.items())  # fmt: skip
    said = f"Entities whose name or alias contains “{e(q)}”" if q else "All entities"
    cut = '<p class="cut">Only the first of them are listed: search to narrow.</p>' if truncated else ""
    empty = "" if entities else "<p>None found at this level.</p>"
    body = f'<h1>{said}</h1>\n<p class="count" id="count">{len(entities)} found</p>\n{cut}{empty}{sections}'
    return page("kg: entities" if not q else f"kg: {q}", body, assets, index, q)


def rows_of(answer: dict) -> list[dict]:
    """The bindings of a SPARQL JSON answer."""
    return list(answer.get("results", {}).get("bindings", []))


def page_path(kind: str, ident: str) -> str:
    """Where an entity's page is in the static site, relative to its root."""
    return f"{kind}/{'/'.join(url_quote(part) for part in ident.split('/'))}.html"
