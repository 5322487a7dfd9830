"""Running SPARQL queries for people: inline, from a ``.rq`` file, or by name from ``kg/queries/``;
parameters bound as terms; results in the standard formats, in a deterministic order.

A named query is a ``.rq`` file whose first lines are comments::

    # title: People of an organization
    # description: What the query answers, in one or two sentences.
    # param: org = cfhr — what the parameter means (zero or more lines)
    # example: kg query --name people-of-organization --param org=cgr

A parameter binds the query variable of the same name (``?org``). Values are typed: ``<…>`` or
``http(s)://…`` is an IRI, ``prefix:local`` with a known prefix (``theme:``, ``sector:`` …) is an IRI,
digits are an integer, anything else a plain literal. A parameter named after a kind of entity also
takes a short id: ``org``/``organization`` → ``{base}org/ID``, ``person`` → ``{base}person/ID``,
``event`` → ``{base}event/ID``, ``source`` → ``{base}source/ID``, ``theme`` → ``theme:ID``,
``sector`` → ``sector:ID``, and ``about``/``entity`` → whichever of person, org, event exists. An empty
default leaves the variable unbound (every value) unless ``--param`` gives one. Values are bound with
``kg.bindings`` (a ``VALUES`` block, each term written by its library's serializer), never pasted into
the query text. ``bindings_for`` gives rdflib terms, ``parameter_values`` (what `kg query` uses) the same
as pyoxigraph terms: `kg query` on the on-disk store imports no rdflib.

Ordering: when the query has no ``ORDER BY``, rows are sorted, so the same graph always gives the same
output.

The package holds one idea per module: ``catalogue`` (named queries), ``params`` (parameters),
``text`` (the shape of a query), ``guard`` (what the endpoint refuses), ``results`` (answers as text),
``runner`` (running one), ``errors``. Everything is importable from ``kg.sparql`` as before.
"""

from __future__ import annotations

# ruff: noqa: F401 - this module re-exports its submodules

from .catalogue import HEADER, PARAM, QUERIES_DIR, SLUG, NamedQuery, Param, named_queries, named_query, parse_named
from .errors import QueryError, Refused, UnknownId
from .guard import SERVICE_REFUSED, UNREADABLE_REFUSED, UPDATE_REFUSED, _contains, inspect
from .params import (
    ANY_ENTITY, ID_KINDS, KIND_WORDS, bindings_for, check_id, parameter_values, parse_assignments, param_term,
    param_value, readable_ids,
)  # fmt: skip
from .results import (
    GRAPH_FORMATS, NUMERIC, SELECT_FORMATS, TABLE_WIDTH, _rows, format_boolean, format_graph, format_select, nt, plain, short,
    sort_rows, to_csv, to_json, to_markdown, to_table, to_tsv, to_xml,
)  # fmt: skip
from .runner import Answer, run
from .text import _parse, has_dataset_clause, has_order_by, with_prefixes



def __getattr__(name: str):
    """``term_json`` (rdflib terms as JSON terms): imported with rdflib when first read."""
    if name == "term_json":
        from ..rdflib_terms import term_json

        return term_json
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [name for name in dir() if not name.startswith("__") and name not in ("annotations",)] + ["term_json"]
