"""The named queries of ``kg/queries/``: each a ``.rq`` file whose first comment lines give its title,
description, parameters and examples (see ``kg.sparql``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import QueryError

QUERIES_DIR = Path(__file__).parent.parent / "queries"
HEADER = re.compile(r"^#\s*(title|description|param|example)\s*:\s*(.*?)\s*$")
PARAM = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*(?:—|--)\s*(.*)$")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass
class Param:
    name: str
    default: str  # as written in the header; "" = unbound unless given
    meaning: str


@dataclass
class NamedQuery:
    name: str
    path: Path
    text: str
    title: str = ""
    description: str = ""
    params: list[Param] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)


# named queries ----------------------------------------------------------------------------------------
def parse_named(path: Path) -> NamedQuery:
    """Read a named query and its header comments.

    Parameters
    ----------
    path: a ``.rq`` file.

    Returns
    -------
    NamedQuery with title, description, params and examples (empty when the header lacks them).
    """
    text = Path(path).read_text(encoding="utf-8")
    query = NamedQuery(name=Path(path).stem, path=Path(path), text=text)
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = HEADER.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key == "param":
            param = PARAM.match(value)
            if param:
                query.params.append(Param(*param.groups()))
            else:  # a parameter without meaning is still a parameter
                name, _, default = value.partition("=")
                query.params.append(Param(name.strip(), default.strip(), ""))
        elif key == "example":
            query.examples.append(value)
        else:
            setattr(query, key, value)
    return query


def named_queries(directory: Path = QUERIES_DIR) -> list[NamedQuery]:
    """Every named query in ``directory``, sorted by name."""
    return [parse_named(p) for p in sorted(Path(directory).glob("*.rq"))]


def named_query(name: str, directory: Path = QUERIES_DIR) -> NamedQuery:
    path = Path(directory) / f"{name}.rq"
    if not re.match(r"^[A-Za-z0-9_.-]+$", name) or not path.is_file():
        known = ", ".join(q.name for q in named_queries(directory))
        raise QueryError(f"no named query {name!r}. Known: {known}. `kg queries` describes them.")
    return parse_named(path)
