"""A remote SPARQL 1.1 server as the store: past one machine, the same commands on a real triple store.

Writing uses the SPARQL 1.1 Graph Store Protocol: one ``PUT`` per named graph replaces that graph, so
a source's facts are swapped whole and nothing else on the server is touched. A small marker graph
(``<base>graph/meta/build``, never readable through queries) keeps the fingerprint of the records and
a digest of every graph uploaded, so an unchanged folder uploads nothing and a changed one uploads
only the graphs whose content changed (and deletes the graphs that are gone).

Reading uses the SPARQL 1.1 Protocol with ``default-graph-uri`` / ``named-graph-uri`` limited to the
graphs readable at the store's level, so a query cannot see more than its level allows. Results come
back as ``rdflib.query.Result``, like every other store. The ``Accept`` header carries explicit
q-values: an unordered one (as rdflib's SPARQLStore sends) makes Virtuoso pick RDF/XML at random.

Configuration comes from the environment only, never from the command line:

``KG_STORE``            the query endpoint, e.g. ``http://127.0.0.1:28890/sparql`` (or ``--store URL``)
``KG_STORE_GSP``        the Graph Store Protocol endpoint (default: Virtuoso's, beside the query
                        endpoint: ``sparql-graph-crud-auth`` with credentials, ``sparql-graph-crud``
                        without)
``KG_STORE_USER``,      credentials, sent with HTTP Digest auth (Virtuoso refuses Basic on its
``KG_STORE_PASSWORD``   ``-auth`` endpoints); ``KG_STORE_AUTH=basic`` switches to Basic for servers
                        that only take that (always over https)
"""

from __future__ import annotations

import hashlib
import http.client
import io
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor

import pyoxigraph as ox
import rdflib
import requests
from rdflib.query import Result

from .bindings import with_values
from .inputs import BuildInputs
from .levels import allowed_graphs
from .store import Store

KG_NS = "https://kg.example.org/ontology#"
SELECT_ACCEPT = "application/sparql-results+json;q=1.0, application/sparql-results+xml;q=0.5"
GRAPH_ACCEPT = "application/n-triples;q=1.0, text/turtle;q=0.8"
UPLOAD_THREADS = 2
# Virtuoso echoes every default-graph-uri back as an X-SPARQL-default-graph header; Python's HTTP client
# refuses answers with more than 100 headers, and a big dataset has thousands of graphs.
http.client._MAXHEADERS = max(getattr(http.client, "_MAXHEADERS", 100), 1_000_000)
TIMEOUT = (10, 3600)  # connect, read: a whole-graph aggregation on a big server may take minutes


XSD_DURATION = "http://www.w3.org/2001/XMLSchema#duration"


def iso_duration(seconds: str) -> str | None:
    """ISO 8601 text for a duration that a server gives back as seconds (Virtuoso stores
    ``"PT2H"^^xsd:duration`` as ``"7200.0"``), or None when the text is not a number."""
    try:
        total = float(seconds)
    except ValueError:
        return None
    days, rest = divmod(int(total), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    secs += total - int(total)
    date = f"{days}D" if days else ""
    time_part = "".join(f"{v:g}{u}" for v, u in ((hours, "H"), (minutes, "M"), (secs, "S")) if v)
    return "P" + date + ("T" + time_part if time_part else "") if (date or time_part) else "PT0S"


def _fix_rdflib(term):
    if isinstance(term, rdflib.Literal) and str(term.datatype) == XSD_DURATION and (iso := iso_duration(str(term))):
        return rdflib.Literal(iso, datatype=term.datatype)
    return term


def _json_term(value: dict):
    kind = value["type"]
    if kind == "uri":
        return rdflib.URIRef(value["value"])
    if kind == "bnode":
        return rdflib.BNode(value["value"])
    datatype = value.get("datatype")
    if datatype == XSD_DURATION and (iso := iso_duration(value["value"])):
        return rdflib.Literal(iso, datatype=rdflib.URIRef(datatype))
    if datatype and not datatype.endswith("#string"):
        return rdflib.Literal(value["value"], datatype=rdflib.URIRef(datatype))
    return rdflib.Literal(value["value"], lang=value.get("xml:lang"))


def json_result(payload: bytes, form: str = "SELECT") -> Result:
    """SPARQL JSON results as an rdflib Result (rdflib's own parser warns on Virtuoso's durations)."""
    doc = json.loads(payload)
    if "boolean" in doc or form == "ASK":
        out = Result("ASK")
        if "boolean" in doc:
            out.askAnswer = bool(doc["boolean"])
        else:  # Virtuoso 7 answers ASK as a one-row SELECT of ?__ASK_RETVAL (1 or 0)
            rows = doc.get("results", {}).get("bindings", [])
            out.askAnswer = any(v.get("value") not in ("0", "false") for row in rows for v in row.values())
        return out
    out = Result("SELECT")
    out.vars = [rdflib.Variable(v) for v in doc["head"].get("vars", [])]
    out.bindings = [{rdflib.Variable(k): _json_term(v) for k, v in row.items()} for row in doc["results"]["bindings"]]
    return out


def _fix_ox(term):
    if isinstance(term, ox.Literal) and term.datatype.value == XSD_DURATION and (iso := iso_duration(term.value)):
        return ox.Literal(iso, datatype=term.datatype)
    return term


class RemoteError(Exception):
    """The server could not be reached or refused a request; the message says what to do."""


def marker_graph(base: str) -> str:
    return base + "graph/meta/build"


def _query_form(query: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the query's form, past its prologue and comments."""
    prologue = re.compile(r"\s+|#[^\n]*|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>", re.IGNORECASE)
    at = 0
    while match := prologue.match(query, at):
        if match.end() == at:
            break
        at = match.end()
    form = re.match(r"(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", query[at:], re.IGNORECASE)
    if not form:
        raise ValueError("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE after the prefixes")
    return form.group(1).upper()


def gsp_endpoint(url: str, authenticated: bool) -> str:
    """The Graph Store Protocol endpoint: ``KG_STORE_GSP``, or Virtuoso's beside the query endpoint."""
    if os.environ.get("KG_STORE_GSP"):
        return os.environ["KG_STORE_GSP"]
    root = re.sub(r"/sparql(-auth)?/?$", "", url.split("?", 1)[0])
    return f"{root}/sparql-graph-crud-auth" if authenticated else f"{root}/sparql-graph-crud"


class _Http:
    """One requests session per thread, with the credentials from the environment."""

    def __init__(self, url: str):
        self.url = url
        user, password = os.environ.get("KG_STORE_USER"), os.environ.get("KG_STORE_PASSWORD")
        if user and password:
            basic = os.environ.get("KG_STORE_AUTH", "digest").lower() == "basic"
            self.auth = requests.auth.HTTPBasicAuth(user, password) if basic else requests.auth.HTTPDigestAuth(user, password)
        else:
            self.auth = None
        self._local = threading.local()

    @property
    def session(self) -> requests.Session:
        if not hasattr(self._local, "session"):
            session = requests.Session()
            session.auth = self.auth
            session.trust_env = False  # a private loopback server must not go through a proxy
            self._local.session = session
        return self._local.session

    def request(self, method: str, url: str, what: str, ok=(200,), **kwargs) -> requests.Response:
        try:
            response = self.session.request(method, url, timeout=TIMEOUT, **kwargs)
        except requests.ConnectionError:
            raise RemoteError(f"cannot reach the SPARQL server at {url}: is it running? "
                              "(for the private Virtuoso: scripts/virtuoso.sh start)") from None  # fmt: skip
        except requests.Timeout:
            raise RemoteError(f"the SPARQL server at {url} did not answer in time while {what}") from None
        if response.status_code in (401, 403):
            raise RemoteError(f"the SPARQL server at {url} refused {what} (HTTP {response.status_code}): set "
                              "KG_STORE_USER and KG_STORE_PASSWORD to an account allowed to do it")  # fmt: skip
        if response.status_code not in ok:
            detail = " ".join(response.text.split())[:400]
            raise RemoteError(f"the SPARQL server at {url} answered HTTP {response.status_code} while {what}: {detail}")
        return response


class RemoteStore(Store):
    """A graph on a SPARQL 1.1 server, read at one sensitivity level.

    Parameters
    ----------
    url : str
        The SPARQL query endpoint.
    base : str
        Base namespace of the graph's IRIs.
    level : str
        Highest sensitivity level to read.
    graphs : list of str
        Every named graph of this build on the server (the readable ones are kept).

    Examples
    --------
    >>> store = RemoteStore.for_data("http://127.0.0.1:28890/sparql", data_dir="data")  # doctest: +SKIP
    >>> store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")                       # doctest: +SKIP
    """

    kind = "remote"

    def __init__(self, url: str, base: str, level: str = "public", graphs: list[str] | None = None):
        super().__init__(base, level)
        self.url = url
        self.http = _Http(url)
        self._graphs = allowed_graphs(graphs or [], base, level)
        self.uploaded: list[str] = []  # graphs sent by for_data
        self.deleted: list[str] = []  # graphs deleted by for_data

    # building ---------------------------------------------------------------------------------------
    @classmethod
    def for_data(cls, url: str, data_dir=None, base=None, level: str = "public",
                 progress: Callable[[str], None] | None = None, build_dir=None) -> "RemoteStore":  # fmt: skip
        """Upload the records of ``data_dir`` to the server when they changed, and open the graph there.

        Returns
        -------
        RemoteStore
            The store at ``level``; ``store.uploaded`` lists the graphs sent by this call.
        """
        inputs = BuildInputs(data_dir, build_dir, base)
        data_dir, base = inputs.data_dir, inputs.base
        say = progress or (lambda message: None)
        extras = inputs.current_extras(say, level)
        fp = inputs.key(extras)
        store = cls(url, base, level)
        known_fp, known = store._read_marker()
        if known_fp != fp:
            started = time.perf_counter()
            quads = inputs.quads(extras=extras)
            known = store._upload(quads, known, fp)
            # told afterwards, and only about the graphs this level reads: nothing above it shows
            sent, deleted = (allowed_graphs(g, base, level) for g in (store.uploaded, store.deleted))
            if sent or deleted:
                say(f"read the records in {data_dir}; uploaded {len(sent):,} graph(s) readable at {level} and "
                    f"deleted {len(deleted):,} on {url} in {time.perf_counter() - started:.1f} s")  # fmt: skip
        store._graphs = allowed_graphs(known, base, level)
        return store

    def _read_marker(self) -> tuple[str | None, dict[str, str]]:
        """The fingerprint of the last complete upload and the digest of every graph it sent."""
        marker = marker_graph(self.base)
        result = self._select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{marker}> {{ ?s ?p ?o }} }}", [], [])
        fp, digests = None, {}
        for row in result:
            s, p, o = (str(x) for x in row)
            if p == KG_NS + "fingerprint" and s == marker:
                fp = o
            elif p == KG_NS + "contentDigest":
                digests[s] = o
        return fp, digests

    def _upload(self, quads: list[ox.Quad], known: dict[str, str], fp: str) -> dict[str, str]:
        by_graph: dict[str, list[ox.Triple]] = {}
        blank: dict[ox.BlankNode, ox.BlankNode] = {}  # stable labels, so an unchanged graph has the same digest

        def stable(term):
            if isinstance(term, ox.BlankNode):
                return blank.setdefault(term, ox.BlankNode(f"b{len(blank)}"))
            return term

        for q in quads:
            by_graph.setdefault(q.graph_name.value, []).append(ox.Triple(stable(q.subject), q.predicate, stable(q.object)))
        payloads = {g: ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) for g, triples in by_graph.items()}
        digests = {g: hashlib.sha256(data).hexdigest() for g, data in payloads.items()}
        changed = sorted(g for g in digests if known.get(g) != digests[g])
        gone = sorted(set(known) - set(digests))
        self.uploaded, self.deleted = changed, gone
        with ThreadPoolExecutor(UPLOAD_THREADS) as pool:
            list(pool.map(lambda g: self._put(g, payloads[g]), changed))
            list(pool.map(self._delete, gone))
        marker = marker_graph(self.base)
        lines = [f'<{marker}> <{KG_NS}fingerprint> "{fp}" .']
        lines += [f'<{g}> <{KG_NS}contentDigest> "{d}" .' for g, d in sorted(digests.items())]
        self._put(marker, ("\n".join(lines) + "\n").encode())  # last: an interrupted upload is redone
        return digests

    def _put(self, graph: str, data: bytes) -> None:
        # N-Triples is Turtle too; text/turtle is the type every Graph Store Protocol server takes.
        self.http.request("PUT", self.gsp_url, f"replacing graph {graph}", ok=(200, 201, 204),
                          params={"graph": graph}, data=data,
                          headers={"Content-Type": "text/turtle; charset=utf-8"})  # fmt: skip

    def _delete(self, graph: str) -> None:
        self.http.request("DELETE", self.gsp_url, f"deleting graph {graph}", ok=(200, 202, 204, 404),
                          params={"graph": graph})  # fmt: skip

    @property
    def gsp_url(self) -> str:
        return gsp_endpoint(self.url, self.http.auth is not None)

    # reading ----------------------------------------------------------------------------------------
    def graphs(self) -> list[str]:
        return list(self._graphs)

    def query(self, sparql: str, bindings: Mapping[str, object] | None = None) -> Result:
        # No readable graph: name one that cannot exist, so the dataset is empty rather than the
        # server's default graph (often the union of everything it holds).
        graphs = self._graphs or [marker_graph(self.base) + "/none"]
        return self._select(with_values(sparql, bindings), graphs, graphs)

    def _select(self, sparql: str, default_graphs: list[str], named_graphs: list[str]) -> Result:
        form = _query_form(sparql)
        accept = SELECT_ACCEPT if form in ("SELECT", "ASK") else GRAPH_ACCEPT
        data = [("query", sparql)] + [("default-graph-uri", g) for g in default_graphs]
        data += [("named-graph-uri", g) for g in named_graphs]
        response = self.http.request("POST", self.url, "answering a query", data=data, headers={"Accept": accept})
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if form in ("SELECT", "ASK"):
            if "json" in content_type:
                return json_result(response.content, form)
            result = Result.parse(io.BytesIO(response.content), format="xml")
            if result.type == "SELECT":
                result.bindings = [{k: _fix_rdflib(v) for k, v in row.items()} for row in result.bindings]
            return result
        parsed = rdflib.Graph()
        parsed.parse(data=response.content, format="turtle" if "turtle" in content_type else "nt")
        out = Result("CONSTRUCT")
        out.graph = rdflib.Graph()
        for s, p, o in parsed:
            out.graph.add((s, p, _fix_rdflib(o)))
        return out

    def quads(self) -> Iterator[ox.Quad]:
        """Every readable quad, by one CONSTRUCT per graph (a whole-graph answer could be cut short by
        a server's row limit; one graph is one source, always small)."""
        for g in self._graphs:
            query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}"
            response = self.http.request("POST", self.url, f"exporting graph {g}", data={"query": query},
                                         headers={"Accept": GRAPH_ACCEPT})  # fmt: skip
            content_type = response.headers.get("Content-Type", "").lower()
            fmt = ox.RdfFormat.TURTLE if "turtle" in content_type else ox.RdfFormat.N_TRIPLES
            graph = ox.NamedNode(g)
            for t in ox.parse(response.content, format=fmt):
                yield ox.Quad(t.subject, t.predicate, _fix_ox(t.object), graph)

    def close(self) -> None:
        session = getattr(self.http._local, "session", None)
        if session is not None:
            session.close()


__all__ = ["RemoteStore", "RemoteError", "gsp_endpoint", "marker_graph"]
