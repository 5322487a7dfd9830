"""Shared fixtures: the project's own data built once per session, and small record folders."""

from __future__ import annotations

import os
import shutil
import textwrap
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import generations
from kg.cli import main

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


def require(component_available: bool, what: str) -> None:
    """Skip a test that needs a real component, except on CI, where it must fail instead."""
    if component_available:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is required on CI (CI=true) but is missing: .ci/run installs it")
    pytest.skip(f"{what} is not installed here")


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]  # fmt: skip


@contextmanager
def offline_chromium(allow_loopback: bool = False, to_loopback: str | None = None):
    """Debian's headless Chromium driven by Playwright, with every host unresolvable (loopback too,
    unless allowed; ``to_loopback``: one name that resolves to 127.0.0.1, as a rebinding DNS server
    would make it). Skips where Chromium or Playwright is missing; fails there when CI=true."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    require(sync_playwright is not None and Path(chromium).exists(), "Chromium with the playwright package")
    rules = (f"MAP {to_loopback} 127.0.0.1, " if to_loopback else "") + "MAP * ~NOTFOUND"
    rules += ", EXCLUDE 127.0.0.1" if allow_loopback or to_loopback else ""
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=[*CHROMIUM_ARGS, f"--host-resolver-rules={rules}"])
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory) -> Path:
    """A build folder holding the project's data/ built once."""
    build_dir = tmp_path_factory.mktemp("seed-build")
    generations.build(DATA, build_dir)
    return build_dir


@pytest.fixture(scope="session")
def seed_store(seed_build):
    store = generations.open_store(DATA, seed_build)
    yield store
    store.close()


def kg(*args: str, env: dict | None = None):
    """Run the `kg` command in-process; returns click's Result (exit_code, stdout, stderr)."""
    return CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)


MINI_SOURCE = """Mini report

The workshop on human trafficking was held in Karachi on 1 March 2024.
Ms. Asha Khan (Director, Example Org) opened the workshop.
"""


def mini_data(root: Path, people: str | None = None, orgs: str | None = None, report: str | None = None) -> Path:
    """A small valid data folder; pass YAML text to replace one of its files."""
    data = root / "data"
    (data / "reports").mkdir(parents=True, exist_ok=True)
    (data / "sources").mkdir(exist_ok=True)
    (data / "sources" / "mini.txt").write_text(MINI_SOURCE)
    (data / "people.yaml").write_text(textwrap.dedent(people or """\
        people:
          - id: asha-khan
            name: Asha Khan
            honorific: Ms.
            aliases: [Ms. Khan]
        """))
    (data / "organizations.yaml").write_text(textwrap.dedent(orgs or """\
        organizations:
          - id: example-org
            name: Example Org
            sector: civil-society
        """))
    (data / "reports" / "mini.yaml").write_text(textwrap.dedent(report or """\
        source:
          id: mini
          title: Mini report
          file: sources/mini.txt
        events:
          - id: mini-workshop
            name: Workshop on human trafficking
            type: workshop
            start_date: 2024-03-01
            city: Karachi
            organizers: [example-org]
            themes: [human-trafficking]
            quotes:
              name: The workshop on human trafficking was held in Karachi on 1 March 2024.
            participants:
              - person: asha-khan
                role: opening-speaker
                title: Director, Example Org
                quote: Ms. Asha Khan (Director, Example Org) opened the workshop.
        affiliations:
          - person: asha-khan
            organization: example-org
            title: Director
            quote: Ms. Asha Khan (Director, Example Org) opened the workshop.
        """))
    return data


@pytest.fixture
def mini(tmp_path) -> Path:
    return mini_data(tmp_path)


def copy_data(dest: Path) -> Path:
    target = dest / "data"
    shutil.copytree(DATA, target)
    return target
