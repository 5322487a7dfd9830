"""Running a query on a store: prefixes added, refused forms refused, errors explained, rows sorted."""

from __future__ import annotations

from .. import query_errors
from ..answers import Answer
from . import kept, order
from .errors import QueryError, Refused
from .guard import inspect
from .results import sort_rows
from .text import with_prefixes


def run(store, sparql: str, bindings: dict | None = None) -> Answer:
    """Run a query on a ``kg.store.Store``; rows sorted unless the query has ORDER BY.

    Parameters
    ----------
    store: any ``kg.store.Store`` (on-disk Oxigraph, memory, remote).
    sparql: the query text; the project's prefixes it uses but does not declare are added (``with_prefixes``).
    bindings: variable name -> rdflib term, bound as a VALUES block (see ``kg.bindings``).

    Returns
    -------
    Answer

    Examples
    --------
    >>> answer = run(store, "SELECT ?n WHERE { ?p a schema:Person ; schema:name ?n }")  # doctest: +SKIP
    >>> answer.render("csv", store.base)  # doctest: +SKIP
    """
    written, sparql = sparql, with_prefixes(sparql, store.base)
    try:
        ordered = inspect(sparql)
    except Refused as exc:
        raise QueryError(f"{exc}; kg query only reads the graph (change data/ and rebuild instead)") from None
    return kept.kept(store, lambda: _keyed_text(sparql, bindings), {"normalize": True},
                     lambda: _compute(store, written, sparql, bindings, ordered))


def _keyed_text(sparql: str, bindings: dict | None) -> str:
    """The text the engine runs, bindings included: what a kept answer is kept for (``kg.sparql.kept``)."""
    from ..bindings import with_values

    try:
        return with_values(sparql, bindings or None)
    except ValueError:  # reported by _compute as the run's own error
        return sparql + "\n#" + repr(sorted((bindings or {}).items()))


def _compute(store, written: str, sparql: str, bindings: dict | None, ordered: bool) -> Answer:
    cut = order.split(sparql) if ordered and store.kind == "oxigraph" else None
    if cut is not None:  # a named query whose ORDER BY places every row: sorted in Python (kg.sparql.order)
        answer = _ask(store, written, cut[0], bindings)
        rows = order.sort(answer.variables, answer.rows, cut[1]) if answer.kind == "SELECT" else None
        if rows is not None and not answer.truncated:
            answer.rows = rows
            return answer
    answer = _ask(store, written, sparql, bindings)
    if answer.kind == "SELECT" and not ordered:
        answer.rows = sort_rows(answer.rows)
    return answer


def _ask(store, written: str, sparql: str, bindings: dict | None) -> Answer:
    try:
        return store.answer(sparql, bindings or None)
    except ValueError as exc:  # kg.bindings: nowhere to put the parameters
        raise QueryError(str(exc)) from None
    except SyntaxError as exc:
        raise QueryError(query_errors.explain(written, store.base, str(exc))) from None
    except Exception as exc:  # noqa: BLE001 - engines raise their own kinds (rdflib: NotBoundError ...)
        found = query_errors.problem(written, store.base)
        if found:
            raise QueryError(found) from None
        raise QueryError(f"the {store.kind} engine could not run the query: {type(exc).__name__}: {exc}. "
                         "Try the default store (--store oxigraph) or simplify the query.") from None
