"""``kg export --html DIR``: the entity pages of ``kg serve`` as a static site that works offline.

One page per person, organization, event (sections too) and source, at ``{kind}/{id}.html``, plus
``index.html`` (every entity, with a search box that filters the list in the browser); the style and
script are copied beside them under ``static/``. Links are relative, nothing is loaded from the
network. Only what the store reads at its level is written. The site is written into a new folder
and then put in place, so an interrupted export never leaves half a site.
"""

from __future__ import annotations

import posixpath
import shutil
import tempfile
from pathlib import Path

from . import entity_page as ep
from . import sparql

STATIC = Path(__file__).parent / "static"
ASSETS = ("entity.css", "search.js")


class SiteError(Exception):
    """The site cannot be written where it was asked: the message says why and what to do."""


def _rows(store, query: str) -> list[dict]:
    answer = sparql.run(store, query)
    return [{v: c for v, c in zip(answer.variables, row) if c is not None} for row in answer.rows]


def relative(target: str, page: str) -> str:
    """The link from the page at ``page`` to ``target`` (both relative to the site's root)."""
    return posixpath.relpath(target, posixpath.dirname(page) or ".")


def write_site(store, directory: Path) -> int:
    """Write the site of ``store`` (a ``kg.store.Store``, read at its level) to ``directory``; the
    number of pages written. An existing ``directory`` is replaced only if it holds a site written
    before (an ``index.html`` and ``static/``), never another folder."""
    directory = Path(directory)
    if directory.exists() and not (directory / "index.html").is_file() and any(directory.iterdir()):
        raise SiteError(f"{directory} exists and is not a site kg wrote (no index.html): "
                        "give a new or empty folder, or remove it first")  # fmt: skip
    base = store.base
    entities = _rows(store, ep.bound(ep.SEARCH, ""))
    pages = {ep.value(r["entity"]): ep.page_path(*ep.split_iri(ep.value(r["entity"]), base))
             for r in entities if ep.split_iri(ep.value(r.get("entity")), base)}  # fmt: skip
    directory.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{directory.name}-", dir=directory.parent))
    try:
        (work / "static").mkdir()
        for name in ASSETS:
            shutil.copyfile(STATIC / name, work / "static" / name)
        for iri, path in pages.items():
            links = lambda target, _from=path: relative(pages[target], _from) if target in pages else None  # noqa: E731
            html = ep.entity_html(iri, base, _rows(store, ep.about(ep.PROPERTIES, iri)),
                                  _rows(store, ep.facts_query(iri)), _rows(store, ep.about(ep.LINKED_FROM, iri)),
                                  _rows(store, ep.about(ep.NETWORK, iri)), links,
                                  assets=relative("static/", path) + "/", index=relative("index.html", path),
                                  events=_rows(store, ep.about(ep.EVENTS, iri)),
                                  quoted=_rows(store, ep.about(ep.QUOTED, iri)) if path.startswith("source/") else [])  # fmt: skip
            (work / path).parent.mkdir(parents=True, exist_ok=True)
            (work / path).write_text(html, encoding="utf-8")
        index = ep.index_html(entities, base, lambda t: pages.get(t), assets="static/", index="index.html")
        (work / "index.html").write_text(index, encoding="utf-8")
        if directory.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{directory.name}-old-", dir=directory.parent))
            directory.rename(old / "site")
            work.rename(directory)
            shutil.rmtree(old)
        else:
            work.rename(directory)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return len(pages) + 1
