"""Binding values to a SPARQL query's variables without pasting them into the query's syntax.

rdflib binds natively (initBindings). For engines that take only query text (Oxigraph, whose own
substitution needs the variable to be projected, and remote endpoints), the values become an inline
``VALUES`` block at the start of the WHERE group; each value is written as one RDF term by its library's
serializer (pyoxigraph's N-Triples syntax for its terms, which `kg query` binds; rdflib's ``n3()`` for
rdflib terms and plain Python values), so text such as ``"} ; DROP ALL ; {`` can only ever be a literal.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

import pyoxigraph as ox

if TYPE_CHECKING:
    from rdflib.term import Identifier

VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
PAGE = re.compile(r"\bLIMIT\s+(\d+)\s+OFFSET\s+(\d+)\b", re.IGNORECASE)
PAGE_PARAMS = ("limit", "offset")
OX_TERMS = (ox.NamedNode, ox.Literal, ox.BlankNode)


def paged(query: str, bindings: Mapping[str, object] | None) -> tuple[str, Mapping[str, object] | None]:
    """A query with one ``LIMIT n OFFSET m`` clause and ``limit``/``offset`` among the bindings: the clause
    with those numbers instead (a page of an unbounded answer), and the bindings without them. The
    numbers must be whole and not negative; nothing else is ever written into the text."""
    if not bindings or not any(name in bindings for name in PAGE_PARAMS):
        return query, bindings
    found = PAGE.findall(query)
    if len(found) != 1:
        return query, bindings
    rest = dict(bindings)
    numbers = []
    for name, written in zip(PAGE_PARAMS, found[0]):
        value = rest.pop(name, written)
        value = (value.value if isinstance(value, OX_TERMS) else str(value)).strip()  # the lexical form
        if not value.isdigit():
            raise ValueError(f"{name} must be a whole number, 0 or more (not {value!r})")
        numbers.append(int(value))
    return PAGE.sub(f"LIMIT {numbers[0]} OFFSET {numbers[1]}", query), rest


def as_term(value) -> Identifier:
    """rdflib terms pass through; plain Python values become literals."""
    from rdflib.term import Identifier, Literal

    return value if isinstance(value, Identifier) else Literal(value)


def term_text(value) -> str:
    """One bound value as the text of one RDF term: a pyoxigraph term in N-Triples syntax (no rdflib),
    anything else as ``as_term(value).n3()``."""
    return str(value) if isinstance(value, OX_TERMS) else as_term(value).n3()


def _where_brace(query: str) -> int:
    """Index of the '{' opening the query's WHERE group, skipping IRIs, strings and comments."""
    i, n = 0, len(query)
    saw_where = False
    first_brace = -1
    while i < n:
        c = query[i]
        if c == "#":
            i = query.find("\n", i)
            i = n if i < 0 else i
        elif c == "<" and re.match(r"<[^<>\"{}|^`\\\s]*>", query[i:]):
            i += re.match(r"<[^<>\"{}|^`\\\s]*>", query[i:]).end()
            continue
        elif c in "\"'":
            quote = query[i : i + 3] if query[i : i + 3] in ('"""', "'''") else c
            j = i + len(quote)
            while j < n and not query.startswith(quote, j):
                j += 2 if query[j] == "\\" else 1
            i = j + len(quote)
            continue
        elif c == "{":
            if saw_where:
                return i
            if first_brace < 0:
                first_brace = i
        elif query[i : i + 5].upper() == "WHERE" and (i == 0 or not query[i - 1].isalnum()):
            saw_where = True
            i += 5
            continue
        i += 1
    if first_brace >= 0 and not re.match(r"\s*CONSTRUCT\b", _strip_prologue(query), re.IGNORECASE):
        return first_brace
    raise ValueError("cannot bind parameters: the query has no WHERE { … } group")


def _strip_prologue(query: str) -> str:
    return re.sub(r"^(\s*(#[^\n]*\n|PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>))*", "", query, flags=re.IGNORECASE)


def with_values(query: str, bindings: Mapping[str, object] | None) -> str:
    """The query with ``VALUES (?a ?b) { (term term) }`` opening its WHERE group (and its page, see ``paged``)."""
    query, bindings = paged(query, bindings)
    if not bindings:
        return query
    names = list(bindings)
    for name in names:
        if not VARIABLE.match(name):
            raise ValueError(f"not a SPARQL variable name: {name!r}")
    terms = " ".join(term_text(bindings[name]) for name in names)
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({terms}) }} "
    at = _where_brace(query) + 1
    return query[:at] + block + query[at:]
