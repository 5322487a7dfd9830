"""Pretty-printed XML, byte for byte as networkx's GraphML and GEXF writers give it, several times faster.

networkx builds an ElementTree, indents it in place and writes it with ``ElementTree.write``, whose
generic serializer (namespace pass, qualified names, one ``write`` call per token) took most of the
50 s ``kg run`` spent writing metric files at 10,000 events. The trees networkx builds have no
namespaced tags, comments or processing instructions, so one recursive pass that indents and writes
into a list gives the same bytes (the tests compare them with networkx's own output).
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, _escape_attrib, _escape_cdata

import networkx as nx

DECLARATION = "<?xml version='1.0' encoding='utf-8'?>\n"


def _write(out: list, elem: Element, level: int, tail: str | None) -> None:
    # The same text and tail as networkx's indent(): children one level deeper, two spaces each.
    append, tag = out.append, elem.tag
    append("<" + tag)
    for key, value in elem.items():
        append(" " + key + '="' + _escape_attrib(value) + '"')
    text = elem.text
    if len(elem):
        inner = "\n" + "  " * (level + 1)
        append(">" + (inner if not text or not text.strip() else _escape_cdata(text)))
        children = list(elem)
        for child in children[:-1]:
            child_tail = child.tail
            _write(out, child, level + 1, inner if not child_tail or not child_tail.strip() else child_tail)
        child = children[-1]
        child_tail = child.tail
        _write(out, child, level + 1, ("\n" + "  " * level) if not child_tail or not child_tail.strip() else child_tail)
        append("</" + tag + ">")
    elif text:
        append(">" + _escape_cdata(text) + "</" + tag + ">")
    else:
        append(" />")
    if tail:
        append(_escape_cdata(tail))


def pretty_bytes(root: Element) -> bytes:
    """``root`` as networkx writes it with ``prettyprint=True``, ``encoding="utf-8"``."""
    out = [DECLARATION]
    _write(out, root, 0, "\n" if len(root) else root.tail)  # networkx's indent() ends the root with a newline
    return "".join(out).encode("utf-8", "xmlcharrefreplace")


# networkx's GraphML types of the values kg writes (exact types: a subclass or numpy scalar is left to networkx)
GRAPHML_TYPES = {str: "string", int: "long", float: "double", bool: "boolean"}
GRAPHML_ROOT = ('<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
                ' xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns'
                ' http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">')  # fmt: skip


def graphml_bytes(graph: nx.Graph) -> bytes | None:
    """``graph`` as networkx's ``GraphMLWriter`` + ``pretty_bytes`` write it, without building the tree;
    None when it holds what this writer leaves to networkx (a directed or multigraph, a graph ``id`` or
    defaults, a value not of a plain type).

    networkx names keys ``d0``, ``d1``, … as it first meets them (the graph's data, then each node's,
    then each edge's), inserts each before the others, and writes the graph's own data after its edges."""
    if graph.is_directed() or graph.is_multigraph() or {"id", "node_default", "edge_default"} & set(graph.graph):
        return None
    keys: dict = {}
    declared: list[str] = []

    def data(scope: str, items) -> list[str]:
        out = []
        for name, value in items:
            kind = GRAPHML_TYPES.get(type(value))
            if kind is None:
                raise _LeftToNetworkx
            name = str(name)
            key = keys.get((name, kind, scope))
            if key is None:
                key = keys[(name, kind, scope)] = f"d{len(keys)}"
                declared.append(f'<key id="{key}" for="{scope}" attr.name="{_escape_attrib(name)}" attr.type="{kind}" />')
            text = str(value)
            out.append(f'<data key="{key}">{_escape_cdata(text)}</data>' if text else f'<data key="{key}" />')
        return out

    try:
        graph_data = data("graph", graph.graph.items())
        children = []
        for node, attrs in graph.nodes(data=True):
            children.append(_element(f'node id="{_escape_attrib(str(node))}"', "node", data("node", attrs.items())))
        for u, v, attrs in graph.edges(data=True):
            opening = f'edge source="{_escape_attrib(str(u))}" target="{_escape_attrib(str(v))}"'
            children.append(_element(opening, "edge", data("edge", attrs.items())))
    except _LeftToNetworkx:
        return None
    children += graph_data
    body = ('<graph edgedefault="undirected">\n    ' + "\n    ".join(children) + "\n  </graph>") if children \
        else '<graph edgedefault="undirected" />'  # fmt: skip
    parts = [DECLARATION, GRAPHML_ROOT, "\n  ", "\n  ".join([*reversed(declared), body]), "\n</graphml>\n"]
    return "".join(parts).encode("utf-8", "xmlcharrefreplace")


class _LeftToNetworkx(Exception):
    pass


def _element(opening: str, tag: str, children: list[str]) -> str:
    # a node or an edge (two levels deep) with its data elements one level deeper
    if not children:
        return f"<{opening} />"
    return f"<{opening}>\n      " + "\n      ".join(children) + f"\n    </{tag}>"


# networkx's GEXF types of plain values, and the data keys its writer turns into something else
GEXF_TYPES = {str: "string", int: "long", float: "double", bool: "boolean"}
GEXF_NODE_SPECIAL = {"id", "pid", "start", "end", "parents", "spells", "slices", "viz"}
GEXF_EDGE_SPECIAL = {"id", "label", "type", "start", "end", "spells", "slices", "viz"}
GEXF_FLOATS = {"inf": "INF", "nan": "NaN", "-inf": "-INF"}


def gexf_bytes(root: Element, graph: nx.Graph) -> bytes | None:
    """What networkx's ``GEXFWriter`` (version 1.2draft, its tree ``root`` holding only its ``meta``)
    then ``pretty_bytes`` give after ``add_graph(graph)``, without building the graph's tree; None when
    ``graph`` holds what this writer leaves to networkx (a directed or dynamic graph, a multigraph, data
    keys networkx's writer treats apart, a value not of a plain type).

    networkx numbers attributes from 0 as it first meets their titles (nodes' first, then edges'), puts
    each class's ``<attributes>`` before the others, and numbers edges from 0."""
    if graph.is_directed() or graph.is_multigraph() or {"mode", "node_default", "edge_default"} & set(graph.graph):
        return None
    if [child.tag for child in root] != ["meta"] or not isinstance(graph.graph.get("name", ""), str):
        return None
    titles: dict = {"node": {}, "edge": {}}
    declared: dict = {"node": [], "edge": []}
    classes: list[str] = []

    def values(scope: str, items) -> str | None:
        out = []
        for name, value in items:
            kind = GEXF_TYPES.get(type(value))
            if kind is None:
                raise _LeftToNetworkx
            title = "networkx_key" if name == "key" else str(name)
            number = titles[scope].get(title)
            if number is None:
                number = titles[scope][title] = str(sum(len(t) for t in titles.values()))
                if not declared[scope]:
                    classes.append(scope)
                declared[scope].append(f'<attribute id="{number}" title="{_escape_attrib(title)}" type="{kind}" />')
            text = str(value).lower() if kind == "boolean" else str(value)
            text = GEXF_FLOATS.get(text, text) if kind == "double" else text
            out.append(f'<attvalue for="{number}" value="{_escape_attrib(text)}" />')
        return _block("attvalues", "attvalues", out, 4) if out else None

    try:
        nodes = []
        for node, data in graph.nodes(data=True):
            if GEXF_NODE_SPECIAL & data.keys():
                return None
            label = str(data.get("label", node))
            inner = values("node", ((k, v) for k, v in data.items() if k != "label"))
            opening = f'node id="{_escape_attrib(str(node))}" label="{_escape_attrib(label)}"'
            nodes.append(_block(opening, "node", [inner] if inner else [], 3))
        edges = []
        for number, (u, v, data) in enumerate(graph.edges(data=True)):
            if GEXF_EDGE_SPECIAL & data.keys():
                return None
            opening = f'edge source="{_escape_attrib(str(u))}" target="{_escape_attrib(str(v))}" id="{number}"'
            if "weight" in data:
                opening += f' weight="{_escape_attrib(str(data["weight"]))}"'
            inner = values("edge", ((k, v) for k, v in data.items() if k != "weight"))
            edges.append(_block(opening, "edge", [inner] if inner else [], 3))
    except _LeftToNetworkx:
        return None
    children = [_block(f'attributes mode="static" class="{scope}"', "attributes", declared[scope], 2)
                for scope in reversed(classes)]  # fmt: skip
    children += [_block("nodes", "nodes", nodes, 2), _block("edges", "edges", edges, 2)]
    name = _escape_attrib(graph.graph.get("name", ""))
    body = _block(f'graph defaultedgetype="undirected" mode="static" name="{name}"', "graph", children, 1)
    out = [DECLARATION, "<" + root.tag]
    for key, value in root.items():
        out.append(" " + key + '="' + _escape_attrib(value) + '"')
    out.append(">\n  ")
    for child in root:  # the meta element, as pretty_bytes writes it
        _write(out, child, 1, "\n  ")
    out += [body, "\n</" + root.tag + ">\n"]
    return "".join(out).encode("utf-8", "xmlcharrefreplace")


def _block(opening: str, tag: str, children: list[str], level: int) -> str:
    """An element ``level`` deep holding ``children`` (already written), indented as pretty_bytes does."""
    if not children:
        return f"<{opening} />"
    inner = "\n" + "  " * (level + 1)
    return f"<{opening}>" + inner + inner.join(children) + "\n" + "  " * level + f"</{tag}>"
