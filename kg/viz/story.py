"""A story: steps the page walks through with Next/Back, each with a title, a caption and a view.

The file is YAML::

    title: How the Lahore roundtable joined civil society, government and international bodies
    steps:
      - title: The roundtable
        caption: |
          On **3 May 2024** the *Centre for Human Rights* ...   (Markdown: paragraphs, "- " lists,
          **bold**, *italic*, `code`, [links](https://...))
        view:
          focus: toc-day-lahore-2024     # a node: id, IRI or name
          steps: 1                       # 1-3 steps around it
          hide: false                    # hide (true) or fade (false) what is outside the focus
          theme: human-trafficking       # filters: theme, event (id, IRI or label), since (a year),
          event: toc-day-lahore-2024     #   hide-kind / hide-sector (lists)
          since: 2024
          period: 2022..2024             # the timeline's range of years (or one year: 2024)
          size: pagerank                 # size and colour of the page
          color: sector

Every name is checked against the graph, and a mistake is reported with the file, the line and the
field (``StoryError``). Captions reach the page as parsed runs of plain text (never HTML), so a
caption cannot inject markup; links keep only http(s) addresses.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import networkx as nx
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from .data import Details

VIEW_FIELDS = ("focus", "steps", "hide", "theme", "event", "since", "period", "hide-kind", "hide-sector", "size",
               "color")  # fmt: skip
INLINE = re.compile(r"\*\*(?P<b>.+?)\*\*|\*(?P<i>[^*]+?)\*|(?<!\w)_(?P<u>[^_]+?)_(?!\w)|`(?P<c>[^`]+?)`|\[(?P<lt>[^\]]+)\]\((?P<lh>[^)\s]+)\)")


class StoryError(ValueError):
    """A story file that cannot be used: the message names the file, the line and the field."""


def markdown(text: str) -> list[dict]:
    """A small, safe Markdown: ``[{"type": "p" | "li", "runs": [{"text", "bold"?, "em"?, "code"?, "href"?}]}]``.

    Examples
    --------
    >>> markdown("Hi **you** <b>")[0]["runs"]
    [{'text': 'Hi '}, {'text': 'you', 'bold': True}, {'text': ' <b>'}]
    >>> markdown("[x](javascript:alert(1))")[0]["runs"][0]
    {'text': 'x'}
    """
    out = []
    for block in re.split(r"\n\s*\n", str(text).strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if lines and all(line.startswith(("- ", "* ")) for line in lines):
            out += [{"type": "li", "runs": _runs(line[2:])} for line in lines]
        elif lines:
            out.append({"type": "p", "runs": _runs(" ".join(lines))})
    return out


def _runs(text: str) -> list[dict]:
    runs, at = [], 0
    for match in INLINE.finditer(text):
        if match.start() > at:
            runs.append({"text": text[at : match.start()]})
        if match["b"] is not None:
            runs.append({"text": match["b"], "bold": True})
        elif match["i"] is not None or match["u"] is not None:
            runs.append({"text": match["i"] if match["i"] is not None else match["u"], "em": True})
        elif match["c"] is not None:
            runs.append({"text": match["c"], "code": True})
        else:
            href = match["lh"]
            runs.append({"text": match["lt"], "href": href} if href.startswith(("https://", "http://"))
                        else {"text": match["lt"]})  # fmt: skip
        at = match.end()
    if at < len(text):
        runs.append({"text": text[at:]})
    return runs


def _line(node, key=None) -> int:
    """1-based line of a mapping (or of one of its keys) in the YAML file."""
    try:
        if key is not None:
            return node.lc.key(key)[0] + 1
        return node.lc.line + 1
    except (AttributeError, KeyError, TypeError):
        return 0


def _keys(iri: str) -> set[str]:
    return {iri.lower(), iri.rstrip("/").rsplit("/", 1)[-1].lower(), "/".join(iri.split("/")[-2:]).lower()}


def _find(wanted, choices: dict[str, str]) -> str | None:
    key = str(wanted).strip().lower()
    for iri, label in sorted(choices.items()):
        if key in _keys(iri) or key == str(label).lower():
            return iri
    return None


def _short(iri: str) -> str:
    return "/".join(iri.split("/")[-2:])


def load(path: Path, graph: nx.Graph, details: Details) -> dict:
    """Read and check a story file against the graph the page draws.

    Returns
    -------
    dict
        ``{"title", "steps": [{"title", "caption": markdown blocks, "view": URL fragment}]}``.

    Raises
    ------
    StoryError
        With ``file, line N, field: what is wrong; what to do``.
    """
    path = Path(path)

    def fail(line: int, field: str, message: str):
        raise StoryError(f"{path}, line {line}, {field}: {message}")

    try:
        document = YAML(typ="rt").load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise StoryError(f"{path}: cannot read the story ({exc.strerror}); give the path of a YAML file") from None
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        fail(mark.line + 1 if mark else 0, "(YAML)", f"not valid YAML: {getattr(exc, 'problem', exc)}")
    if not isinstance(document, dict):
        fail(1, "(top)", "a story is a mapping with `title` and `steps`")
    steps = document.get("steps")
    if not isinstance(steps, list) or not steps:
        fail(_line(document, "steps") if "steps" in document else 1, "steps", "give a list of at least one step")
    nodes = {n: d.get("label", n) for n, d in graph.nodes(data=True)}
    themes = {t: details.themes.get(t, t) for n in graph for t in details.nodes.get(n, {}).get("themes", ())}
    events = {e: details.events.get(e, e) for n in graph for e in details.nodes.get(n, {}).get("events", ())}
    kinds = {d.get("type", "") for _, d in graph.nodes(data=True)}
    sectors = {d.get("sector", "") for _, d in graph.nodes(data=True)}
    from . import COLOR_BY
    from .page import SIZE_METRICS

    out = []
    for i, step in enumerate(steps, 1):
        where = f"steps[{i}]"
        if not isinstance(step, dict):
            fail(_line(steps) + i - 1, where, "each step is a mapping with title, caption and view")
        line = _line(step)
        title = step.get("title")
        if not isinstance(title, str) or not title.strip():
            fail(_line(step, "title") if "title" in step else line, f"{where}.title", "give the step a title (text)")
        caption = step.get("caption", "")
        if not isinstance(caption, str):
            fail(_line(step, "caption"), f"{where}.caption", "the caption is text (Markdown)")
        view = step.get("view") or {}
        if not isinstance(view, dict):
            fail(_line(step, "view"), f"{where}.view", "the view is a mapping (focus, steps, theme, event, since...)")
        fragment = {}
        for key, value in view.items():
            at, field = _line(view, key), f"{where}.view.{key}"
            if key not in VIEW_FIELDS:
                fail(at, field, f"unknown field; use one of: {', '.join(VIEW_FIELDS)}")
            if key in ("focus", "theme", "event"):
                choices = {"focus": nodes, "theme": themes, "event": events}[key]
                iri = _find(value, choices)
                if iri is None:
                    known = ", ".join(sorted(c.rsplit("/", 1)[-1] for c in choices)[:12])
                    fail(at, field, f"no {'node' if key == 'focus' else key} {value!r} in this graph; "
                                    f"use an id, IRI or name (e.g. {known})")  # fmt: skip
                fragment[key] = _short(iri)
            elif key == "steps":
                if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 3:
                    fail(at, field, "give 1, 2 or 3 (steps around the focused node)")
                fragment[key] = str(value)
            elif key == "hide":
                if not isinstance(value, bool):
                    fail(at, field, "give true (hide the rest) or false (fade it)")
                if value:
                    fragment[key] = "1"
            elif key == "since":
                if not isinstance(value, int) or not 1900 <= value <= 2100:
                    fail(at, field, "give a year, e.g. 2024")
                fragment[key] = str(value)
            elif key == "period":
                found = re.fullmatch(r"\s*(\d{4})\s*(?:\.\.\s*(\d{4})\s*)?", str(value))
                if not found:
                    fail(at, field, "give a year (2024) or a range of years (2022..2024)")
                first, last = sorted((int(found[1]), int(found[2] or found[1])))
                years = sorted({y for n in graph for y in details.nodes.get(n, {}).get("years", ())})
                for year in (first, last):
                    if year not in years:
                        fail(at, field, f"no event in {year}; the timeline has the years {', '.join(map(str, years))}")
                fragment["from"], fragment["to"] = str(first), str(last)
            elif key in ("hide-kind", "hide-sector"):
                allowed = kinds if key == "hide-kind" else sectors
                values = value if isinstance(value, list) else [value]
                bad = [v for v in values if str(v) not in allowed]
                if bad:
                    fail(at, field, f"unknown {key[5:]} {bad[0]!r}; use some of: {', '.join(sorted(a for a in allowed if a))}")
                fragment[key] = ",".join(str(v) for v in values)
            elif key == "size" and value not in SIZE_METRICS:
                fail(at, field, f"unknown metric {value!r}; use one of: {', '.join(SIZE_METRICS)}")
            elif key == "color" and value not in COLOR_BY:
                fail(at, field, f"unknown colour scheme {value!r}; use one of: {', '.join(COLOR_BY)}")
            else:
                fragment[key] = str(value)
        if "steps" in fragment and "focus" not in fragment:
            fail(_line(view, "steps"), f"{where}.view.steps", "steps count around a node: add `focus`")
        order = ("size", "color", "hide-kind", "hide-sector", "theme", "event", "since", "from", "to", "focus", "steps",
                 "hide")  # fmt: skip
        out.append({"title": title.strip(), "caption": markdown(caption),
                    "view": "&".join(f"{k}={quote(fragment[k], safe='/,')}" for k in order if k in fragment)})  # fmt: skip
    title = document.get("title") or "Story"
    if not isinstance(title, str):
        fail(_line(document, "title"), "title", "the story's title is text")
    return {"title": title.strip(), "steps": out}
