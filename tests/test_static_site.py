"""kg export --html DIR: the entity pages as a static site that works offline, with no broken link."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from .conftest import DATA, copy_data, kg, offline_chromium
from .test_entity_pages import EVIL, provenance, refs_of
from .test_sensitivity import PERSON_STRINGS, leaks, mark

ENTITIES = """SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {
  VALUES ?t { <https://schema.org/Person> <https://schema.org/Organization> <https://schema.org/Event> } ?e a ?t }"""


def export_site(data: Path, build_dir: Path, site: Path, *more: str) -> Path:
    out = kg("export", "--html", site, "--data", data, "--build-dir", build_dir, *more)
    assert out.exit_code == 0, out.output
    return site


@pytest.fixture(scope="module")
def site(seed_build, tmp_path_factory):
    return export_site(DATA, seed_build, tmp_path_factory.mktemp("site") / "site")


@pytest.fixture(scope="module")
def variant_site(tmp_path_factory):
    """data/ with John Collins restricted and Mark Shaw's name holding markup, exported at public."""
    root = tmp_path_factory.mktemp("site-variant")
    data = copy_data(root)
    mark(data, "people", "john-collins", "restricted")
    people = data / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace("name: Mark Shaw\n", f"name: '{EVIL}'\n", 1),
                      encoding="utf-8")  # fmt: skip
    return export_site(data, root / "build", root / "site")


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_one_page_per_person_organization_and_event(site, seed_store):
    expected = int(next(iter(seed_store.query(ENTITIES)))[0])
    people_orgs_events = [p for p in pages(site) if p.relative_to(site).parts[0] in ("person", "org", "event")]
    assert len(people_orgs_events) == expected
    assert (site / "index.html").is_file() and (site / "person" / "john-collins.html").is_file()
    assert (site / "event" / "toc-day-lahore-2024" / "closing-remarks.html").is_file()  # a section, under its event


SOURCE_URLS = "SELECT ?s ?url WHERE { ?s <https://schema.org/url> ?url }"


def test_no_broken_links_and_nothing_from_the_network(site, seed_store):
    reports = {(str(s).rsplit("/", 1)[-1], str(url)) for s, url in seed_store.query(SOURCE_URLS)}
    assert reports  # the seed names where some reports are on the web
    checked, external = 0, set()
    for page in pages(site):
        text = page.read_text(encoding="utf-8")
        for tag, attr, ref in refs_of(text):
            parts = urlsplit(ref)
            if parts.scheme or parts.netloc:  # only a link (never a load) to a source report's own address, on its page
                assert tag == "a" and attr == "href" and page.parent.name == "source", f"{page}: {tag} {attr}={ref}"
                assert (page.stem, ref) in reports, f"{page}: {ref}"
                external.add((page.stem, ref))
                continue
            if not parts.path:  # a search form's own page, or a fragment
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_file(), f"{page.relative_to(site)}: broken {attr}={ref}"
            assert site.resolve() in target.parents, f"{page}: {ref} leaves the site"
            checked += 1
        assert "@import" not in text and "url(" not in text
    assert checked > 1000  # every page links its style, script, index and more
    assert external == reports
    for asset in (site / "static").iterdir():
        assert "http" not in asset.read_text(encoding="utf-8"), asset


def test_john_collins_page_holds_every_fact_and_works_offline(site, seed_build):
    facts = provenance(DATA, seed_build, "john-collins")
    text = (site / "person" / "john-collins.html").read_text(encoding="utf-8")
    import html

    for fact in facts:
        assert html.escape(fact["quote"]) in text and html.escape(fact["detail"]) in text
    with offline_chromium() as browser:  # every host unresolvable, loopback too
        page = browser.new_page()
        fetched, dialogs = [], []
        page.on("request", lambda r: fetched.append(r.url))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto((site / "index.html").as_uri())
        assert page.locator("li[data-names]").count() > 100
        page.fill("form.search input[name=q]", "colling")  # an alias; the list filters as one types
        assert page.locator("li[data-names]:not(.hidden) a").all_inner_texts() == ["John Collins"]
        page.locator("li[data-names]:not(.hidden) a").click()
        page.wait_for_url("**/person/john-collins.html")
        assert page.locator("table.facts tbody tr").count() == len(facts)
        assert page.evaluate("getComputedStyle(document.querySelector('header.site')).display") == "flex"
        # the search box of an entity page opens the index filtered
        page.fill("form.search input[name=q]", "GI-TOC")
        page.locator("form.search button").click()
        page.wait_for_url("**/index.html?q=GI-TOC")
        assert "Global Initiative Against Transnational Organized Crime" in \
            page.locator("li[data-names]:not(.hidden) a").all_inner_texts()  # fmt: skip
        assert all(url.startswith("file://") for url in fetched), [u for u in fetched if not u.startswith("file://")]
        assert dialogs == []


def test_restricted_person_is_nowhere_in_the_public_site(variant_site):
    assert not (variant_site / "person" / "john-collins.html").exists()
    for page in pages(variant_site):
        assert leaks(page.read_text(encoding="utf-8"), PERSON_STRINGS) == [], page


def test_a_name_with_markup_is_escaped_everywhere(variant_site):
    for page in pages(variant_site):
        text = page.read_text(encoding="utf-8")
        assert "<script>window" not in text and "<img" not in text, page
    shaw = (variant_site / "person" / "mark-shaw.html").read_text(encoding="utf-8")
    assert "<h1>Mark &lt;script&gt;window.pwned=1&lt;/script&gt;&lt;img src=x onerror=&quot;window.pwned=2&quot;&gt; Shaw</h1>" in shaw
    with offline_chromium() as browser:
        tab = browser.new_page()
        for path in ("person/mark-shaw.html", "index.html", "person/sevim-saadat.html"):
            tab.goto((variant_site / path).as_uri())
            assert tab.evaluate("window.pwned") is None, path
        tab.goto((variant_site / "index.html").as_uri() + "?q=shaw")
        assert EVIL in tab.locator("li[data-names]:not(.hidden)").all_inner_texts()[0]


def test_refuses_to_replace_a_folder_it_did_not_write(seed_build, tmp_path):
    other = tmp_path / "notes"
    other.mkdir()
    (other / "mine.txt").write_text("keep me")
    out = kg("export", "--html", other, "--data", DATA, "--build-dir", seed_build)
    assert out.exit_code == 1 and "not a site kg wrote" in out.output
    assert (other / "mine.txt").read_text() == "keep me"
    site = export_site(DATA, seed_build, tmp_path / "site")  # a site is replaced whole, nothing stale kept
    (site / "person" / "stale.html").write_text("old")
    export_site(DATA, seed_build, site)
    assert not (site / "person" / "stale.html").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no work folder left behind
