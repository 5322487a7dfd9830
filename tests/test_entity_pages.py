"""kg serve answers the data's own IRIs (/id/person/john-collins …) as Linked Data, at its level only."""

from __future__ import annotations

import html
import json
from html.parser import HTMLParser

import pytest
import rdflib
import requests

from .conftest import DATA, copy_data, kg, offline_chromium
from .test_sensitivity import mark
from .test_serve import Server

JOHN = "/id/person/john-collins"
JOHN_IRI = "https://kg.example.org/id/person/john-collins"
EVIL = 'Mark <script>window.pwned=1</script><img src=x onerror="window.pwned=2"> Shaw'
HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}  # as a browser sends


def provenance(data, build_dir, about: str) -> list[dict]:
    """What the provenance named query answers about ``about``: {variable: value} per fact."""
    out = kg("query", "--data", data, "--build-dir", build_dir, "--name", "provenance", "--param", f"about={about}",
             "--format", "json")  # fmt: skip
    assert out.exit_code == 0, out.output
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(out.stdout)["results"]["bindings"]]


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, value)

    def handle_starttag(self, tag, attrs):
        for name, val in attrs:
            if name in ("href", "src", "action") and val is not None:
                self.refs.append((tag, name, val))


def refs_of(text: str) -> list[tuple[str, str, str]]:
    parser = Links()
    parser.feed(text)
    return parser.refs


@pytest.fixture(scope="module")
def server(seed_build):
    srv = Server(DATA, seed_build)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def restricted_server(tmp_path_factory):
    """data/ with John Collins restricted and Mark Shaw's name holding markup, served at public."""
    root = tmp_path_factory.mktemp("entity-restricted")
    data = copy_data(root)
    mark(data, "people", "john-collins", "restricted")
    people = data / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace("name: Mark Shaw\n", f"name: '{EVIL}'\n", 1),
                      encoding="utf-8")  # fmt: skip
    srv = Server(data, root / "build")
    yield srv
    srv.stop()


def test_john_collins_page_shows_every_fact_with_its_sentence_in_chromium(server, seed_build):
    facts = provenance(DATA, seed_build, "john-collins")
    assert len(facts) >= 3  # a membership and two parts at the Lahore event, in the seed
    with offline_chromium(allow_loopback=True) as browser:
        page = browser.new_page()
        fetched, refused = [], []
        page.on("request", lambda r: fetched.append(r.url))
        page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto(server.url + JOHN)
        assert page.locator("h1").inner_text() == "John Collins"
        rows = [[c.strip() for c in page.locator("table.facts tbody tr").nth(i).locator("td").all_inner_texts()]
                for i in range(page.locator("table.facts tbody tr").count())]  # fmt: skip
        shown = sorted((r[0], r[1], r[2]) for r in rows)
        assert shown == sorted((f["kind"], f["detail"], f["quote"]) for f in facts)
        for row, fact in zip(sorted(rows), sorted(facts, key=lambda f: (f["kind"], f["detail"], f["quote"]))):
            assert row[3].startswith(fact["source"].removeprefix("https://kg.example.org/id/")), row
            assert f"line {fact['line']}" in row[3]
        # the stylesheet applied under the page's CSP (no inline style needed), nothing refused
        assert page.evaluate("getComputedStyle(document.querySelector('header.site')).display") == "flex"
        assert refused == []
        assert all(url.startswith(server.url) for url in fetched), fetched
        # its links are links: to the organization's page, and the partners at the same event
        assert page.locator("#network a", has_text="Sevim Saadat").count() == 1
        assert page.locator("#events li").all_inner_texts() == [
            "2024-11-15: International Day for the Prevention of and Fight against All Forms of Transnational "
            "Organized Crime (took part)"]  # fmt: skip
        page.locator("#properties a", has_text="Global Initiative Against Transnational Organized Crime").click()
        page.wait_for_url(server.url + "/id/org/gi-toc")
        assert page.locator("h1").inner_text() == "Global Initiative Against Transnational Organized Crime"
        assert page.locator("#linked a", has_text="John Collins").count() >= 1  # its member, linked back
        # the search box finds him by an alias
        page.fill("form.search input[name=q]", "colling")
        page.locator("form.search button").click()
        page.wait_for_url("**/id/?q=colling")
        assert page.locator("li[data-names]:not(.hidden) a").all_inner_texts() == ["John Collins"]


def test_every_link_of_the_page_opens(server):
    page = requests.get(server.url + JOHN, headers=HTML, timeout=30)
    refs = refs_of(page.text)
    assert refs and all(not v.startswith(("http:", "https:", "//")) for _, _, v in refs), refs
    for _, _, ref in refs:
        answer = requests.get(server.url + ref.split("#")[0], headers=HTML, timeout=30)
        assert answer.status_code == 200, ref


def test_content_negotiation_gives_turtle_ntriples_and_json_ld(server, seed_build):
    facts = provenance(DATA, seed_build, "john-collins")
    john = rdflib.URIRef(JOHN_IRI)
    for accept, fmt, media in (("text/turtle", "turtle", "text/turtle"), ("application/n-triples", "nt", "application/n-triples"),
                               ("application/ld+json", "json-ld", "application/ld+json"), ("*/*", "turtle", "text/turtle")):  # fmt: skip
        answer = requests.get(server.url + JOHN, headers={"Accept": accept}, timeout=30)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith(media), accept
        assert "Accept" in answer.headers["vary"]
        graph = rdflib.Graph().parse(data=answer.content, format=fmt)
        assert (john, rdflib.URIRef("https://schema.org/name"), rdflib.Literal("John Collins")) in graph
        quotes = {str(o) for o in graph.objects(None, rdflib.URIRef("https://kg.example.org/ontology#quote"))}
        assert {f["quote"] for f in facts} <= quotes, accept
        # only about him: nothing of the ontology, of other people's facts
        assert not any(str(s).startswith("https://kg.example.org/ontology") for s in graph.subjects())
        assert (rdflib.URIRef("https://kg.example.org/id/person/sevim-saadat"), None, None) not in graph


def test_pages_carry_the_security_headers(server):
    for path in (JOHN, "/id/", "/id/?q=collins", "/id/person/no-such-person"):
        answer = requests.get(server.url + path, headers=HTML, timeout=30)
        policy = answer.headers["content-security-policy"]
        assert "unsafe-inline" not in policy and "script-src 'self'" in policy and "default-src 'none'" in policy
        assert answer.headers["x-content-type-options"] == "nosniff" and answer.headers["x-frame-options"] == "DENY"
    assert "<style" not in requests.get(server.url + JOHN, headers=HTML, timeout=30).text
    # the endpoint's data keeps its stricter policy
    assert requests.get(server.url + "/status.json", timeout=5).headers["content-security-policy"] == \
        "default-src 'none'; frame-ancestors 'none'"  # fmt: skip


def test_search_finds_by_name_and_alias(server):
    for q, expect in (("John Coll", "John Collins"), ("GI-TOC", "Global Initiative Against Transnational Organized Crime"),
                      ("colling", "John Collins")):  # fmt: skip
        page = requests.get(server.url + "/id/", params={"q": q}, headers=HTML, timeout=30)
        assert page.status_code == 200 and f">{expect}</a>" in page.text, q
    nothing = requests.get(server.url + "/id/", params={"q": "zzzz-nobody"}, headers=HTML, timeout=30)
    assert "None found" in nothing.text
    evil = requests.get(server.url + "/id/", params={"q": '"><script>alert(1)</script>'}, headers=HTML, timeout=30)
    assert evil.status_code == 200 and "<script>alert" not in evil.text and 'value="&quot;&gt;&lt;script&gt;' in evil.text


def test_a_source_page_lists_the_sentences_quoted_from_it(server, seed_build):
    page = requests.get(server.url + "/id/source/toc-day-lahore-2024", headers=HTML, timeout=30)
    assert page.status_code == 200
    for fact in provenance(DATA, seed_build, "john-collins"):
        assert html.escape(fact["quote"]) in page.text.split('id="quoted"')[1]


def _answer(srv, path: str, headers: dict) -> tuple:
    r = requests.get(srv.url + path, headers=headers, timeout=30)
    return r.status_code, r.content, {k.lower(): v for k, v in r.headers.items() if k.lower() != "date"}


def test_restricted_entity_is_the_same_404_as_one_never_there(restricted_server, server):
    for headers in (HTML, {"Accept": "text/turtle"}, {"Accept": "application/ld+json"}, {}):
        restricted = _answer(restricted_server, JOHN, headers)
        never = _answer(restricted_server, "/id/person/no-such-person", headers)
        assert restricted[0] == 404 and restricted == never, headers
        assert _answer(server, JOHN, headers)[0] == 200  # the seed, where he is public
    # nor does the search, the index or a partner's page name him
    for path in ("/id/", "/id/?q=colling", "/id/person/sevim-saadat", "/id/org/gi-toc", "/id/event/toc-day-lahore-2024"):
        text = requests.get(restricted_server.url + path, headers=HTML, timeout=30).text.replace("colling", "")
        assert "Collins" not in text and "john-collins" not in text and "Colling" not in text, path


def test_a_name_with_markup_is_escaped(restricted_server):
    page = requests.get(restricted_server.url + "/id/person/mark-shaw", headers=HTML, timeout=30)
    assert page.status_code == 200
    assert "<script>window" not in page.text and "<img" not in page.text
    assert "Mark &lt;script&gt;window.pwned=1&lt;/script&gt;" in page.text
    with offline_chromium(allow_loopback=True) as browser:
        tab = browser.new_page()
        for path in ("/id/person/mark-shaw", "/id/?q=shaw", "/id/person/sevim-saadat"):
            tab.goto(restricted_server.url + path)
            assert tab.evaluate("window.pwned") is None, path
        assert EVIL in tab.locator("#network").inner_text()


def test_only_an_iri_reaches_a_page_query():
    from kg import entity_page as ep

    assert "<https://kg.example.org/id/person/a>" in ep.about(ep.GRAPH, "https://kg.example.org/id/person/a")
    for bad in ("https://kg.example.org/id/person/a> ?p ?o } ; DROP ALL ; {", "a b", 'a"b', ""):
        with pytest.raises(ValueError):
            ep.about(ep.PROPERTIES, bad)
    assert ep.entity_iri("https://kg.example.org/id/", "person", "../graph/restricted") is None
    assert ep.entity_iri("https://kg.example.org/id/", "role", "x") is None  # not a kind with pages
