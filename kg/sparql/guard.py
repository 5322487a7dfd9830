"""Safety for the read-only endpoint: refuse updates, LOAD and SERVICE (with ``kg.sparql_guard``)."""

from __future__ import annotations

from .. import sparql_guard
from .errors import Refused
from .text import _parse

# safety for the endpoint -------------------------------------------------------------------------------------

def _contains(tree, names: set[str]) -> bool:
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name in names:
                return True
            stack.extend(node.values())
        elif isinstance(node, (list, tuple, ParseResults)):
            stack.extend(node)
    return False


SERVICE_REFUSED = ("SERVICE (federated query) is refused: nothing here fetches other hosts (the word counts wherever "
                   "a keyword could start, as in ex:serviceArea; write such a name as a full <IRI>)")
UPDATE_REFUSED = "the graph is read-only here: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP …) is refused"
UNREADABLE_REFUSED = ("a query that names SERVICE and cannot be read token by token is refused (federated queries "
                      "are not allowed here; keep the word inside a string or a comment)")


def inspect(sparql: str) -> bool:
    """Refuse what a read-only endpoint must not run (an update, LOAD, SERVICE); else tell whether the
    query has its own ORDER BY.

    The decision follows SPARQL 1.1's own terminals (``kg.sparql_guard``): the query is cut into
    tokens as sent and with its ``\\u`` escapes undone, and refused when either reading has a bare
    word of an update, or ``service`` where an engine could start the keyword. A query that holds the
    word but no such token (``"public service"``) is also parsed with rdflib, a second opinion: a
    ``SERVICE`` pattern it finds is refused too. The messages are fixed texts.

    Returns
    -------
    True when the outermost query has an ORDER BY.

    Raises
    ------
    Refused with a message for the client.
    """
    seen = sparql_guard.readings(sparql)
    if any(r.update for r in seen):
        raise Refused(UPDATE_REFUSED)
    if any(r.service for r in seen):
        raise Refused(SERVICE_REFUSED)
    if sparql_guard.mentions_service(sparql):
        if any(r.doubtful for r in seen):
            raise Refused(UNREADABLE_REFUSED)
        tree = _parse(sparql)  # slow (20–400 ms), so only for a query that has the word
        if tree is not None and _contains(tree, {"ServiceGraphPattern"}):
            raise Refused(SERVICE_REFUSED)
    return seen[0].ordered
