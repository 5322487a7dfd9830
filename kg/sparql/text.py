"""The shape of a query text: its ORDER BY, its dataset clause, the prefixes it uses but does not declare."""

from __future__ import annotations

import re

from .. import sparql_guard, vocab


# the shape of a query --------------------------------------------------------------------------------------
def _parse(sparql: str):
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        return parseQuery(sparql)
    except Exception:  # noqa: BLE001 - not rdflib's dialect; the engine will judge it
        return None


def _strip_literals(sparql: str) -> str:
    """The query with comments, strings and IRIs blanked, so keywords can be told from text."""
    pattern = r'#[^\n]*|"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>'
    return re.sub(pattern, " ", sparql)


def _unescape(sparql: str) -> str:
    """Codepoint escapes (\\u0053 …) are undone before a SPARQL query is parsed, so before we look at it too."""
    return re.sub(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})", lambda m: chr(int(m.group(1) or m.group(2), 16)), sparql)


def has_order_by(sparql: str) -> bool:
    """Whether the outermost query orders its rows (an ORDER BY outside every brace; a subquery's is inside)."""
    return sparql_guard.read(sparql).ordered



def has_dataset_clause(sparql: str) -> bool:
    """Whether the query names its own dataset (``FROM`` or ``FROM NAMED``): the keyword outside every
    brace (a subquery cannot have one), with comments, strings and IRIs blanked.

    This only decides which of the readable graphs a query reads, never what is readable: the store of
    a level holds nothing above it. A misjudged query reads the wrong graphs of its level, not more."""
    depth = 0
    tokens = _strip_literals(_unescape(sparql))
    for match in re.finditer(r"[{}]|(?<![\w?$:.@\\-])FROM(?![\w:.-])", tokens, re.IGNORECASE):
        token = match.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0:
            return True
    return False


def with_prefixes(text: str, base: str | None = None) -> str:
    """The query with PREFIX lines added for the project's prefixes (``vocab.NAMESPACES``, and given the
    data's base ``vocab.DATA_PREFIXES``: ``person:``, ``organization:``, ``event:``, ``source:``) that it
    uses but does not declare, so ``schema:name`` or ``organization:cfhr`` works without a prologue."""
    known = vocab.all_prefixes(base)
    declared = {m.lower() for m in re.findall(r"PREFIX\s+([A-Za-z][\w.-]*)?:", text, re.IGNORECASE)}
    tokens = _strip_literals(text)
    missing = [p for p in known if p not in declared and re.search(rf"(?<![\w:-]){p}:", tokens)]
    return "".join(f"PREFIX {p}: <{known[p]}>\n" for p in missing) + text
