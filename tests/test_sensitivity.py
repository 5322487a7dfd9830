"""What a level may not see leaves no trace in anything a command writes or answers.

On a copy of data/ one person (then one organization, then one fact) is marked ``restricted``. At the
default level every output — the export in every format, ``kg query``, the metrics files, the
visualization page and the SPARQL endpoint (each when its module exists) — must hold nothing that
names them: no name, alias, acronym, id or IRI fragment, no quote naming them, and no count that
reveals them. "No count" is checked the strict way: the public export of the marked copy equals,
triple for triple, the public export of a copy where the entity and its facts were deleted (only the
text of withheld quotes differs, since the deleted copy still quotes sentences naming them).
"""

from __future__ import annotations

import importlib.util
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

from kg import export, generations
from kg.vocab import KG, RDF

from .conftest import copy_data, kg

PERSON = "john-collins"  # an unveiler with two aliases; "Mr. John Colling" is in a quote naming five people
PERSON_STRINGS = ["John Collins", "John Colling", "Collins", "john-collins"]
ORG = "nioc"  # named by acronym in another person's participation title ("Deputy Director, NIOC")
ORG_STRINGS = ["National Initiative against Organized Crime", "NIOC", "National Initiative", "nioc"]
WITHHELD = "[withheld:"


def has_module(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


# --- editing record folders ------------------------------------------------------------------------


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data):  # the records loader refuses anchors/aliases
        return True


def _edit(path: Path, change) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(yaml.dump(doc, Dumper=_NoAliases, sort_keys=False, allow_unicode=True, width=10_000),
                    encoding="utf-8")  # fmt: skip


def _reports(data: Path):
    return sorted((data / "reports").glob("*.yaml"))


def mark(data: Path, registry: str, ident: str, level: str) -> None:
    """Set ``sensitivity: level`` on one entry of people.yaml or organizations.yaml."""
    def change(doc):
        entry = next(e for e in doc[registry] if e["id"] == ident)
        entry["sensitivity"] = level
    _edit(data / f"{registry if registry == 'people' else 'organizations'}.yaml", change)


def delete_entity(data: Path, ident: str) -> None:
    """Remove a person or organization and every fact that involves them."""
    def registry(doc):
        for key in ("people", "organizations"):
            if key in doc:
                doc[key] = [e for e in doc[key] if e["id"] != ident]
                for e in doc[key]:
                    if e.get("parent") == ident:
                        del e["parent"]
    _edit(data / "people.yaml", registry)
    _edit(data / "organizations.yaml", registry)

    def report(doc):
        for event in doc.get("events") or []:
            for key in ("organizers", "partners", "funders", "founded"):
                if key in event:
                    event[key] = [x for x in event[key] if x != ident]
            event["participants"] = [p for p in event.get("participants") or []
                                     if ident not in (p.get("person"), p.get("organization"))]  # fmt: skip
        doc["affiliations"] = [a for a in doc.get("affiliations") or [] if ident not in (a["person"], a["organization"])]
        doc["relations"] = [r for r in doc.get("relations") or [] if ident not in (r["subject"], r["object"])]
        doc["figures"] = [f for f in doc.get("figures") or [] if ident not in (f.get("about"), f.get("stated_by"))]
    for path in _reports(data):
        _edit(path, report)


def variant(tmp_path: Path, name: str, *edits) -> Path:
    data = copy_data(tmp_path / name)
    for edit in edits:
        edit(data)
    return data


# --- reading what the commands write ---------------------------------------------------------------


def export_text(data: Path, build_dir: Path, fmt: str, level: str = "public") -> str:
    result = kg("export", "--format", fmt, "--level", level, "--data", data, "--build-dir", build_dir)
    assert result.exit_code == 0, result.output
    return result.stdout


EVIDENCE_IRI = re.compile(r"(/evidence/[^/>]+/)[^>]+")


def public_quads(data: Path, build_dir: Path, level: str = "public") -> set[tuple]:
    """The readable quads with every evidence node reduced to its source, and quote texts, line
    numbers and evidence types left out: withheld and deleted may differ only there (a withheld
    sentence is a kg:WithheldEvidence with no text or line; a deleted person's sentence is whole).
    A curator's note (skos:editorialNote) is kept but its text is not compared, for the same reason:
    a note naming the person is a marker when withheld and whole when the person is deleted (its
    text is checked for the person's names by the export tests above)."""
    text = export_text(data, build_dir, "nq", level)
    out = set()
    for q in ox.parse(text.encode(), format=ox.RdfFormat.N_QUADS):
        if q.graph_name.value.endswith("/ontology"):
            continue  # the ontology's blank nodes get new labels in every build
        if "/evidence/" in q.subject.value and q.predicate.value in (str(KG.quote), str(KG.line), str(RDF.type)):
            continue
        if q.predicate.value == "http://www.w3.org/2004/02/skos/core#editorialNote":
            q = ox.Quad(q.subject, q.predicate, ox.Literal("(a note)"), q.graph_name)
        out.add(tuple(EVIDENCE_IRI.sub(r"\1*", str(t)) for t in (q.subject, q.predicate, q.object, q.graph_name)))
    return out


def leaks(text: str, strings: list[str]) -> list[str]:
    """The strings that occur in text (case-insensitive, as whole words)."""
    return [s for s in strings if re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", text, re.IGNORECASE)]


def count(data: Path, build_dir: Path, level: str, sparql: str) -> int:
    with generations.open_store(data, build_dir, level=level) as store:
        return int(next(iter(store.query(sparql)))[0])


PEOPLE = "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a <http://xmlns.com/foaf/0.1/Person> }"
UNVEILERS = """SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {
  ?x <https://kg.example.org/ontology#part> <https://kg.example.org/part/unveiler> ;
     <https://kg.example.org/ontology#agent> ?a }"""
ORGS = "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a <http://www.w3.org/ns/org#Organization> }"


# --- the person -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def person_case(tmp_path_factory):
    root = tmp_path_factory.mktemp("sens-person")
    marked = variant(root, "marked", lambda d: mark(d, "people", PERSON, "restricted"))
    absent = variant(root, "absent", lambda d: delete_entity(d, PERSON))
    original = variant(root, "original")
    return {"marked": (marked, root / "b-marked"), "absent": (absent, root / "b-absent"),
            "original": (original, root / "b-original")}  # fmt: skip


@pytest.mark.parametrize("fmt", sorted(export.FORMATS))
def test_restricted_person_absent_from_every_export_format(person_case, fmt):
    data, build = person_case["marked"]
    text = export_text(data, build, fmt)
    assert leaks(text, PERSON_STRINGS) == []
    assert WITHHELD in text  # the five-unveiler sentence was withheld, not shown
    full = export_text(data, build, fmt, level="restricted")
    assert set(leaks(full, PERSON_STRINGS)) == set(PERSON_STRINGS)


def test_public_export_equals_graph_without_the_person(person_case):
    marked = public_quads(*person_case["marked"])
    absent = public_quads(*person_case["absent"])
    assert marked - absent == set() and absent - marked == set()


def test_counts_do_not_reveal_the_person(person_case):
    for query, name in ((PEOPLE, "people"), (UNVEILERS, "unveilers")):
        at_public = count(*person_case["marked"], "public", query)
        without = count(*person_case["absent"], "public", query)
        with_ = count(*person_case["original"], "public", query)
        assert at_public == without == with_ - 1, name
        assert count(*person_case["marked"], "restricted", query) == with_, name


def test_withheld_quote_is_whole_at_its_level(person_case):
    data, build = person_case["marked"]
    sentence = "The event concluded with the unveiling of the Civil Society Declaration by Mr. Tariq Khosa"
    assert sentence not in export_text(data, build, "nq")
    assert sentence in export_text(data, build, "nq", level="restricted")


# --- levels are ordered ----------------------------------------------------------------------------


def test_internal_is_below_restricted(tmp_path):
    data = variant(tmp_path, "d", lambda d: mark(d, "people", PERSON, "internal"),
                   lambda d: mark(d, "people", "sevim-saadat", "restricted"))  # fmt: skip
    build = tmp_path / "b"
    seen = {level: export_text(data, build, "nt", level) for level in ("public", "internal", "restricted")}
    assert leaks(seen["public"], ["John Collins", "Sevim Saadat"]) == []
    assert leaks(seen["internal"], ["John Collins", "Sevim Saadat"]) == ["John Collins"]
    assert leaks(seen["restricted"], ["John Collins", "Sevim Saadat"]) == ["John Collins", "Sevim Saadat"]
    people = [count(data, build, level, PEOPLE) for level in ("public", "internal", "restricted")]
    assert people[0] + 1 == people[1] == people[2] - 1


# --- the organization ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def org_case(tmp_path_factory):
    root = tmp_path_factory.mktemp("sens-org")
    marked = variant(root, "marked", lambda d: mark(d, "organizations", ORG, "restricted"))
    absent = variant(root, "absent", lambda d: delete_entity(d, ORG))
    return {"marked": (marked, root / "b-marked"), "absent": (absent, root / "b-absent")}


@pytest.mark.parametrize("fmt", sorted(export.FORMATS))
def test_restricted_organization_absent_from_every_export_format(org_case, fmt):
    data, build = org_case["marked"]
    assert leaks(export_text(data, build, fmt), ORG_STRINGS) == []
    assert set(leaks(export_text(data, build, fmt, "restricted"), ORG_STRINGS)) == set(ORG_STRINGS)


def test_organization_counts_do_not_reveal_it(org_case):
    assert count(*org_case["marked"], "public", ORGS) == count(*org_case["absent"], "public", ORGS)
    assert count(*org_case["marked"], "restricted", ORGS) == count(*org_case["absent"], "public", ORGS) + 1


# --- one fact --------------------------------------------------------------------------------------

def _first_figure(data: Path) -> tuple[Path, dict]:
    for path in _reports(data):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if doc.get("figures"):
            return path, doc["figures"][0]
    raise AssertionError("the project data has no figure")


def test_restricted_fact_is_left_out_without_trace(tmp_path):
    marked = copy_data(tmp_path / "m")
    path, figure = _first_figure(marked)
    _edit(path, lambda doc: doc["figures"][0].__setitem__("sensitivity", "restricted"))
    absent = copy_data(tmp_path / "a")
    _edit(absent / "reports" / path.name, lambda doc: doc["figures"].pop(0))
    figures = "SELECT (COUNT(?f) AS ?n) WHERE { ?f a <https://kg.example.org/ontology#Figure> }"
    m_build, a_build = tmp_path / "bm", tmp_path / "ba"
    assert count(marked, m_build, "public", figures) == count(absent, a_build, "public", figures)
    assert count(marked, m_build, "restricted", figures) == count(absent, a_build, "public", figures) + 1
    public = public_quads(marked, m_build)
    assert public == public_quads(absent, a_build)
    assert not any(str(figure["unit"]) in "".join(q) for q in public)


# --- every other way out: kg query, the SPARQL endpoint, the visualization, the metrics ------------

EVERYTHING = "SELECT ?s ?p ?o ?g WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"


def _restricted_graph_query(base: str = "https://kg.example.org/id/") -> str:
    return f"SELECT ?s ?p ?o WHERE {{ GRAPH <{base}graph/restricted/registry> {{ ?s ?p ?o }} }}"


def _named_queries() -> list[str]:
    from kg import sparql

    return [q.name for q in sparql.named_queries()]


def test_query_answers_hold_nothing_of_the_person(person_case):
    if not has_module("kg.cli.query"):
        pytest.skip("kg/cli/query.py (`kg query`) does not exist yet")
    data, build = person_case["marked"]
    common = ["--data", data, "--build-dir", build, "--format", "csv"]
    for query in (EVERYTHING, _restricted_graph_query()):
        result = kg("query", query, *common)
        assert result.exit_code == 0, result.output
        assert leaks(result.stdout, PERSON_STRINGS) == [], query
    names = _named_queries()
    assert names
    for name in names:
        result = kg("query", "--name", name, *common)
        assert result.exit_code in (0, 1), result.output
        assert leaks(result.stdout, PERSON_STRINGS) == [], name
    # asking about him by id answers exactly as for an id that never existed (no existence oracle):
    # as in the copy without him, and, but for the ids suggested (nearest to the text typed), as for another id
    asked = [kg("query", "--name", "provenance", "--param", f"about={who}", *common)
             for who in (PERSON, "nobody-at-all")]  # fmt: skip
    assert [r.exit_code for r in asked] == [asked[1].exit_code] * 2
    first = [r.output.split(" Did you mean")[0].split(" No readable id")[0] for r in asked]
    assert first[0].replace(PERSON, "?") == first[1].replace("nobody-at-all", "?")
    absent_data, absent_build = person_case["absent"]
    never = kg("query", "--name", "provenance", "--param", f"about={PERSON}", "--data", absent_data,
               "--build-dir", absent_build, "--format", "csv")  # fmt: skip
    assert (never.exit_code, never.output.splitlines()[-1]) == (asked[0].exit_code, asked[0].output.splitlines()[-1])
    full = kg("query", EVERYTHING, *common, "--level", "restricted").stdout
    assert set(leaks(full, PERSON_STRINGS)) == set(PERSON_STRINGS)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, headers: dict | None = None) -> str:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
        return response.read().decode("utf-8")


def _serve(data: Path, build: Path, level: str = "public"):
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-c", "from kg.cli import main; main()", "serve", "--data", str(data),
                             "--build-dir", str(build), "--port", str(port), "--level", level,
                             "--max-rows", "1000000"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            _get(url + "/status.json")
            return proc, url
        except OSError:
            if proc.poll() is not None:
                raise AssertionError(proc.stderr.read().decode()) from None
            time.sleep(0.2)
    proc.kill()
    raise AssertionError("kg serve did not answer within 60 s")


def test_sparql_endpoint_holds_nothing_of_the_person(person_case):
    if not has_module("kg.serve"):
        pytest.skip("kg.serve (`kg serve`) does not exist yet")
    data, build = person_case["marked"]
    for level, expect_leak in (("public", False), ("restricted", True)):
        proc, url = _serve(data, build, level)
        try:
            seen = []
            for query in (EVERYTHING, _restricted_graph_query(),
                          "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"):
                body = _get(f"{url}/sparql?" + urllib.parse.urlencode({"query": query}),
                            {"Accept": "text/csv, text/turtle"})  # fmt: skip
                seen.append(body)
            seen += [_get(url + "/queries.json"), _get(url + "/status.json"), _get(url + "/")]
        finally:
            proc.terminate()
            proc.wait(30)
        found = set(leaks("\n".join(seen), PERSON_STRINGS))
        assert found == (set(PERSON_STRINGS) if expect_leak else set()), level


def test_visualization_holds_nothing_of_the_person(person_case, tmp_path):
    if not has_module("kg.viz"):
        pytest.skip("kg/viz (the visualization) does not exist yet")
    from kg import viz

    data, build = person_case["marked"]
    pages = {}
    for level in ("public", "restricted"):
        with generations.open_store(data, build, level=level) as store:
            pages[level] = viz.render(store, tmp_path / f"{level}.html").read_text(encoding="utf-8")
    assert leaks(pages["public"], PERSON_STRINGS) == []
    assert "John Collins" in leaks(pages["restricted"], PERSON_STRINGS)
    absent_data, absent_build = person_case["absent"]
    with generations.open_store(absent_data, absent_build) as store:
        absent_page = viz.render(store, tmp_path / "absent.html").read_text(encoding="utf-8")
    # the same nodes, edges, sizes and counts as if he did not exist; only quoted sentences differ
    # (the deleted copy still quotes sentences naming him, where the marked one withholds them)
    def unquoted(page):
        page = re.sub(r"\u201c[^\u201d]*\u201d", "\u201c\u201d", page)
        return re.sub(r'"quote":"(?:[^"\\\\]|\\\\.)*"', '"quote":""', page)
    assert unquoted(pages["public"]) == unquoted(absent_page)


def test_metrics_files_hold_nothing_of_the_person(person_case, tmp_path):
    if not has_module("kg.metrics"):
        pytest.skip("kg/metrics.py (the metrics exports) does not exist yet")
    from kg import metrics

    if not hasattr(metrics, "write_all"):
        pytest.skip("kg.metrics.write_all does not exist yet (kg/metrics is being written)")
    written = {}
    for case, level in (("marked", "public"), ("absent", "public"), ("marked", "restricted")):
        data, build = person_case[case]
        with generations.open_store(data, build, level=level) as store:
            paths = metrics.write_all(store, tmp_path / f"{case}-{level}")
        written[(case, level)] = {Path(p).relative_to(tmp_path / f"{case}-{level}"): Path(p).read_bytes() for p in paths}
    public, absent = written[("marked", "public")], written[("absent", "public")]
    assert public, "write_all wrote no files"
    for name, content in public.items():
        assert leaks(content.decode("utf-8", "replace"), PERSON_STRINGS) == [], name
    # same values, ranks and counts as if he did not exist (files that stamp a time or a fingerprint
    # of the records may differ only there)
    assert sorted(public) == sorted(absent)
    differing = [name for name in public if public[name] != absent[name]]
    assert differing == [], differing
    restricted = b"".join(written[("marked", "restricted")].values()).decode("utf-8", "replace")
    assert "John Collins" in leaks(restricted, PERSON_STRINGS)
