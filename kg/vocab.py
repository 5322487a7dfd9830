"""Every namespace and term the graph uses, in one place.

Standard vocabularies first (W3C ORG, schema.org, FOAF, SKOS, PROV-O, Dublin Core); the project's own
terms (``KG``) only where none fits. They are defined in ``ontology/kg.ttl``.
"""

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD

SCHEMA = Namespace("https://schema.org/")
SH = Namespace("http://www.w3.org/ns/shacl#")

# The project's fixed vocabulary. Data IRIs use a separate, configurable base (kg.config.base_iri).
KG = Namespace("https://kg.example.org/ontology#")
THEME = Namespace("https://kg.example.org/theme/")
SECTOR = Namespace("https://kg.example.org/sector/")
PART = Namespace("https://kg.example.org/part/")  # a participant's part in an event
EVENT_TYPE = Namespace("https://kg.example.org/event-type/")
LEVEL = Namespace("https://kg.example.org/level/")  # sensitivity levels
GOCI = Namespace("https://kg.example.org/ext/goci/")  # local mirror of the Global Organized Crime Index markets
ICCS = Namespace("https://kg.example.org/ext/iccs/")  # local mirror of UNODC's ICCS sections

DEFAULT_BASE = "https://kg.example.org/id/"

PREFIXES = {
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "owl": OWL,
    "org": ORG,
    "foaf": FOAF,
    "schema": SCHEMA,
    "skos": SKOS,
    "prov": PROV,
    "dcterms": DCTERMS,
    "sh": SH,
    "kg": KG,
    "theme": THEME,
    "sector": SECTOR,
    "part": PART,
    "etype": EVENT_TYPE,
    "level": LEVEL,
    "goci": GOCI,
    "iccs": ICCS,
}

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

# relation name in records -> predicate
RELATIONS = {
    "founded": KG.founded,
    "coordinates": KG.coordinates,
    "member-of": ORG.memberOf,
    "represented-at": KG.representedAt,
}

COUNT_FIELDS = {
    "in_person": KG.inPersonParticipants,
    "online": KG.onlineParticipants,
    "total": KG.participantCount,
    "countries": KG.countryCount,
    "experts": KG.expertCount,
}

from .levels import LEVELS  # noqa: E402,F401 - defined with the rest of the levels

FIGURE_QUALIFIERS = ("exactly", "over", "about", "up-to")


# prefixes for the data's own IRIs, under the configurable base (kg.to_rdf.Minter): person:john-collins is
# {base}person/john-collins; ``organization:`` because ``org:`` is W3C ORG
DATA_PREFIXES = {"person": "person/", "organization": "org/", "event": "event/", "source": "source/"}


def data_prefixes(base: str) -> dict[str, str]:
    """``DATA_PREFIXES`` resolved under ``base``: {"person": "{base}person/", …}."""
    return {prefix: base + path for prefix, path in DATA_PREFIXES.items()}


def all_prefixes(base: str | None = None) -> dict[str, str]:
    """Every fixed prefix (``PREFIXES``) and, given the data's base, the data's own (``DATA_PREFIXES``)."""
    return {p: str(ns) for p, ns in PREFIXES.items()} | (data_prefixes(base) if base else {})


def sparql_prefixes(base: str | None = None) -> str:
    """PREFIX lines for every namespace above (and the data's, given its base), to put in front of a query."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in all_prefixes(base).items())
