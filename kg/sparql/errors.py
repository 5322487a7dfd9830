"""The errors of running a query: each message says what to change."""

from __future__ import annotations


class QueryError(Exception):
    """A query that cannot run as asked; the message says what to change."""


class UnknownId(QueryError):
    """A parameter names an id (or IRI) that nothing readable at the store's level has."""




class Refused(QueryError):
    """A request the read-only endpoint will not run (an update, LOAD, or SERVICE)."""
