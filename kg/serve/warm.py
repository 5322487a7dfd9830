"""Imported once by the workers' fork server: what every worker needs is made before any fork."""

from .. import sparql

sparql._parse("SELECT * WHERE { ?s ?p ?o }")  # rdflib's grammar, built once instead of in each new worker
