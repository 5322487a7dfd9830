"""Network analysis: centrality, brokerage, communities and cross-sector ties of the declared
projections (``kg.network``), exported for spreadsheets (CSV), Gephi (GraphML, GEXF), pandas (JSON)
and written back into the graph as RDF.

One topic a module, as in networkx: ``centrality`` (degree, betweenness, closeness, eigenvector,
PageRank), ``brokerage`` (Burt's constraint and effective size), ``communities`` (Louvain),
``sectors`` (cross-sector score), ``measure`` (all of them together, rounding, graph figures),
``formats`` (CSV, JSON, GraphML, GEXF), ``rdf`` (metrics as RDF, ``--into-graph``).

Examples
--------
>>> from kg import open_store, network, metrics
>>> with open_store() as store:                                    # doctest: +SKIP
...     g = network.project(store, "organizations")
...     figures = metrics.node_metrics(g)
...     metrics.graph_metrics(g, figures)["modularity"]
"""

from .measure import METRICS, NodeMetrics, graph_metrics, node_metrics  # noqa: F401
from .files import Measuring, measure_each, measure_projection, write_all, write_projection  # noqa: F401,E402
from .formats import FORMATS, render, rows  # noqa: F401,E402
from .rdf import into_graph, load_into_graph, metrics_quads  # noqa: F401,E402
from .periods import PeriodTable, by_period  # noqa: F401,E402
