"""The names of the network metrics, defined once (light: `kg --help` imports it without networkx).

``kg.metrics`` computes ``METRICS`` for every node; `kg metrics --by` ranks by ``RANKABLE``; `kg viz
--size-by` sizes nodes by ``SIZE_BY``; ``kg.metrics.rdf`` names the RDF property of each.
"""

from __future__ import annotations

METRICS = ("weighted_degree", "degree", "betweenness", "closeness", "eigenvector", "pagerank", "community",
           "constraint", "effective_size", "cross_sector")  # fmt: skip
RANKABLE = tuple(m for m in METRICS if m != "community")  # a community number is a label, not a rank
# the page sizes by betweenness first, and also by the cross-sector reach it computes itself
# (kg.metrics.sectors.sector_reach)
SIZE_BY = ("betweenness", *(m for m in RANKABLE if m != "betweenness"), "sector_reach")
