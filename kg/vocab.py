"""Every namespace and term the graph uses, in one place.

Standard vocabularies first (W3C ORG, schema.org, FOAF, SKOS, PROV-O, Dublin Core); the project's own
terms (``KG``) only where none fits. They are defined in ``ontology/kg.ttl``.

``NAMESPACES`` holds each namespace as a plain string: what `kg query` needs, with no rdflib. The
rdflib namespaces of the same vocabularies (``KG``, ``SCHEMA``, ``RDF`` …, ``PREFIXES``, ``RELATIONS``,
``COUNT_FIELDS``: the build's terms and the notebooks') are made when first asked for, so importing
this module does not import rdflib.
"""

from __future__ import annotations

# prefix -> namespace, in the order PREFIX lines and `kg query --help` list them
NAMESPACES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "org": "http://www.w3.org/ns/org#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "sh": "http://www.w3.org/ns/shacl#",
    # The project's fixed vocabulary. Data IRIs use a separate, configurable base (kg.config.base_iri).
    "kg": "https://kg.example.org/ontology#",
    "theme": "https://kg.example.org/theme/",
    "sector": "https://kg.example.org/sector/",
    "part": "https://kg.example.org/part/",  # a participant's part in an event
    "etype": "https://kg.example.org/event-type/",
    "level": "https://kg.example.org/level/",  # sensitivity levels
    "goci": "https://kg.example.org/ext/goci/",  # local mirror of the Global Organized Crime Index markets
    "iccs": "https://kg.example.org/ext/iccs/",  # local mirror of UNODC's ICCS sections
}

# the rdflib namespace objects, by name -> prefix: rdflib's own (closed) ones, then ours
RDFLIB_NAMESPACES = {"RDF": "rdf", "RDFS": "rdfs", "XSD": "xsd", "OWL": "owl", "ORG": "org", "FOAF": "foaf",
                     "SKOS": "skos", "PROV": "prov", "DCTERMS": "dcterms"}  # fmt: skip
OWN_NAMESPACES = {"SCHEMA": "schema", "SH": "sh", "KG": "kg", "THEME": "theme", "SECTOR": "sector", "PART": "part",
                  "EVENT_TYPE": "etype", "LEVEL": "level", "GOCI": "goci", "ICCS": "iccs"}  # fmt: skip

DEFAULT_BASE = "https://kg.example.org/id/"

SECTORS = (
    "civil-society",
    "think-tank",
    "academia",
    "government",
    "law-enforcement",
    "parliament",
    "international-organization",
    "donor",
    "media",
    "private-sector",
)

EVENT_TYPES = (
    "roundtable",
    "workshop",
    "conference",
    "session",
    "dialogue",
    "meeting",
    "training",
    "webinar",
    "launch",
    "founding",
    "other",
)

PARTS = (
    "organizer",
    "partner",
    "funder",
    "host",
    "opening-speaker",
    "keynote-speaker",
    "roundtable-speaker",
    "closing-speaker",
    "speaker",
    "moderator",
    "facilitator",
    "presenter",
    "unveiler",
    "attendee",
    "participant",
    "represented",
)

ORG_KINDS = ("organization", "unit", "alliance", "network")

from .levels import LEVELS  # noqa: E402,F401 - defined with the rest of the levels

FIGURE_QUALIFIERS = ("exactly", "over", "about", "up-to")


# prefixes for the data's own IRIs, under the configurable base (kg.to_rdf.Minter): person:john-collins is
# {base}person/john-collins; ``organization:`` because ``org:`` is W3C ORG
DATA_PREFIXES = {"person": "person/", "organization": "org/", "event": "event/", "source": "source/"}


def data_prefixes(base: str) -> dict[str, str]:
    """``DATA_PREFIXES`` resolved under ``base``: {"person": "{base}person/", …}."""
    return {prefix: base + path for prefix, path in DATA_PREFIXES.items()}


def all_prefixes(base: str | None = None) -> dict[str, str]:
    """Every fixed prefix (``NAMESPACES``) and, given the data's base, the data's own (``DATA_PREFIXES``)."""
    return dict(NAMESPACES) | (data_prefixes(base) if base else {})


def sparql_prefixes(base: str | None = None) -> str:
    """PREFIX lines for every namespace above (and the data's, given its base), to put in front of a query."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in all_prefixes(base).items())


# relation name in records -> predicate; count field -> predicate (rdflib terms, made with the namespaces)
_RELATIONS = {"founded": ("kg", "founded"), "coordinates": ("kg", "coordinates"), "member-of": ("org", "memberOf"),
              "represented-at": ("kg", "representedAt")}  # fmt: skip
_COUNT_FIELDS = {"in_person": "inPersonParticipants", "online": "onlineParticipants", "total": "participantCount",
                 "countries": "countryCount", "experts": "expertCount"}  # fmt: skip


def _make(name: str):
    if name in RDFLIB_NAMESPACES:
        import rdflib.namespace

        return getattr(rdflib.namespace, name)
    if name in OWN_NAMESPACES:
        from rdflib import Namespace

        return Namespace(NAMESPACES[OWN_NAMESPACES[name]])
    by_prefix = {prefix: name for name, prefix in (RDFLIB_NAMESPACES | OWN_NAMESPACES).items()}
    if name == "PREFIXES":  # prefix -> rdflib namespace
        return {prefix: _get(by_prefix[prefix]) for prefix in NAMESPACES}
    if name == "RELATIONS":
        return {relation: _get(by_prefix[p])[local] for relation, (p, local) in _RELATIONS.items()}
    if name == "COUNT_FIELDS":
        return {field: _get("KG")[local] for field, local in _COUNT_FIELDS.items()}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _get(name: str):
    return globals()[name] if name in globals() else __getattr__(name)


def __getattr__(name: str):
    """The rdflib namespaces and the tables of rdflib terms, made (and kept) when first read."""
    value = globals()[name] = _make(name)
    return value


def __dir__():
    return sorted(set(globals()) | set(RDFLIB_NAMESPACES) | set(OWN_NAMESPACES) | {"PREFIXES", "RELATIONS", "COUNT_FIELDS"})
