"""The manual (docs/, built by MkDocs) is checked like code: it builds with --strict (a broken link or
anchor, a page left out of the nav, a nav entry without its page all fail), its generated parts list
everything the code has, every `kg query` of the researcher tutorial runs on the seed and returns rows,
and the README stays a front page whose links land on real pages."""

from __future__ import annotations

import html
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from kg.cli import main

from .conftest import DATA, ROOT, kg

DOCS = ROOT / "docs"
TUTORIAL = DOCS / "tutorial.md"
README = ROOT / "README.md"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site built the way CI and `make docs` build it, into a temporary folder."""
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    return out


def _text(path: Path) -> str:
    return html.unescape(path.read_text(encoding="utf-8"))


def test_the_site_builds_strictly_with_every_page(site):
    nav_pages = re.findall(r":\s*([\w./-]+\.md)\s*$", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    assert len(nav_pages) >= 15
    for page in nav_pages:
        built = site / ("index.html" if page == "index.md" else page.removesuffix(".md") + "/index.html")
        assert built.is_file(), f"{page} is in the nav but was not built"
    assert (site / "img" / "alliance.png").is_file()


def test_strict_build_fails_on_a_broken_link(tmp_path):
    """The check is real: the same configuration over a copy of docs/ with one broken link fails."""
    docs = tmp_path / "docs"
    subprocess.run(["cp", "-r", str(DOCS), str(docs)], check=True)
    (docs / "records.md").write_text((docs / "records.md").read_text(encoding="utf-8")
                                     + "\nSee [nowhere](no-such-page.md).\n", encoding="utf-8")  # fmt: skip
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "out")],
                            cwd=tmp_path, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode != 0
    assert "no-such-page.md" in result.stdout + result.stderr


def test_the_query_table_lists_every_named_query(site):
    page = _text(site / "querying" / "index.html")
    table = page[page.index("<th>name</th>"):]
    table = table[: table.index("</table>")]
    listed = set(re.findall(r"<tr>\s*<td><code>([a-z0-9-]+)</code></td>", table))
    shipped = {p.stem for p in (ROOT / "kg" / "queries").glob("*.rq")}
    assert shipped and listed == shipped
    for name in shipped:  # each row carries the query's own title from its header
        title = next(line.split(":", 1)[1].strip() for line in (ROOT / "kg" / "queries" / f"{name}.rq")
                     .read_text(encoding="utf-8").splitlines() if line.startswith("# title:"))  # fmt: skip
        assert title in table, name


def test_the_cli_reference_lists_every_command(site):
    page = _text(site / "cli" / "index.html")
    assert main.commands
    for name, command in main.commands.items():
        assert f'id="kg-{name}"' in page, f"kg {name} is missing from the command line reference"
        assert f"kg {name} [OPTIONS]" in page
        for param in command.params:  # every option of every command, as --help names it
            for opt in param.opts:
                if opt.startswith("-"):
                    assert opt in page, f"kg {name} {opt} is missing from the command line reference"


def _console_commands(text: str, fence: str) -> list[str]:
    """The `kg query` commands of the given kind of code block (```console: must succeed; ```text:
    examples of errors), a command being a `$ kg query …` line (continued while its quotes are open)."""
    commands = []
    for block in re.findall(rf"^```{fence}\n(.*?)^```", text, re.M | re.S):
        lines = block.splitlines()
        for i, line in enumerate(lines):
            if line.startswith("$ kg query"):
                command = line[2:]
                j = i
                while True:
                    try:
                        shlex.split(command)
                        break
                    except ValueError:  # an open quote: the query goes on on the next line
                        j += 1
                        command += "\n" + lines[j]
                commands.append(command)
    return commands


TUTORIAL_COMMANDS = _console_commands(TUTORIAL.read_text(encoding="utf-8"), "console")


def test_the_tutorial_answers_a_dozen_questions():
    text = TUTORIAL.read_text(encoding="utf-8")
    assert len(re.findall(r"^## \d+\. ", text, re.M)) >= 12
    assert len(TUTORIAL_COMMANDS) >= 12
    prefixed = [c for c in TUTORIAL_COMMANDS if "--name" not in c]
    for prefix in ("person:", "event:", "source:"):  # short queries use the data's own prefixes
        assert any(prefix in c for c in prefixed), prefix


@pytest.mark.parametrize("command", TUTORIAL_COMMANDS, ids=[c[9:60] for c in TUTORIAL_COMMANDS])
def test_every_tutorial_query_runs_on_the_seed_and_returns_rows(command, seed_build):
    args = shlex.split(command)[2:]
    result = kg("query", *args, "--data", DATA, "--build-dir", seed_build)
    assert result.exit_code == 0, f"{command}\n{result.output}"
    last = result.stdout.rstrip("\n").splitlines()[-1]
    rows = re.match(r"\((\d+) rows?\b", last)
    assert rows, f"{command}: expected a table ending in '(N rows)', got {last!r}"
    assert int(rows.group(1)) >= 1, f"{command} returned no rows on the seed"


def test_the_tutorial_error_example_fails_as_shown(seed_build):
    text = TUTORIAL.read_text(encoding="utf-8")
    examples = _console_commands(text, "text")
    assert examples
    for command in examples:
        result = kg("query", *shlex.split(command)[2:], "--data", DATA, "--build-dir", seed_build)
        assert result.exit_code == 1
        message = result.stderr.strip().splitlines()[-1]
        assert message in text, f"the tutorial shows another message than {message!r}"


def test_the_readme_is_a_front_page_whose_links_land(site):
    text = README.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert len(lines) < 300
    quick = text[text.index("## Quick start"):]
    quick = quick[: quick.index("\n## ", 1)]
    assert re.search(r"```\nmake run\nmake test\n```", quick)
    links = re.findall(r"\]\(([^)\s]+)\)", text)
    assert links
    for link in links:
        if link.startswith(("http://", "https://")):
            continue
        path, _, anchor = link.partition("#")
        target = ROOT / path
        assert target.is_file(), f"README links to {link}, which does not exist"
        if path.startswith("docs/") and path.endswith(".md"):
            page = path.removeprefix("docs/").removesuffix(".md")
            built = site / ("index.html" if page == "index" else f"{page}/index.html")
            assert built.is_file(), f"README links to {link}, which is not a page of the site"
            if anchor:
                assert f'id="{anchor}"' in built.read_text(encoding="utf-8"), f"README links to {link}: no such anchor"
        elif not path.startswith("docs/img/"):
            pytest.fail(f"README links to {link}: link to the docs pages instead")
