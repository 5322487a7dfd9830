"""Reading YAML record files safely, keeping the line of every value.

Records are edited by hand, so every error must point at a file and a line. PyYAML's safe loader is
used with three changes: mappings remember the line of each key, duplicate keys are an error (PyYAML
would silently keep the last), and anchors/aliases are refused (records never need them, and they
are the classic way to make a small file expand into a huge structure).

Speed: files are read with libyaml's C parser when PyYAML has it (about 10x faster). The anchor,
alias, depth and surrogate checks live in the Python composer, which the C parser skips, so: a file
whose text could hold an anchor or alias (an & or * before a name character), or a line break the
two parsers might count differently, goes straight to the Python loader; the C loader itself stops
at a node used twice (an alias) or nesting deeper than MAX_DEPTH; and whenever the C loader fails
for any reason (libyaml refuses surrogate escapes by itself), the file is read again by the Python
loader. Every error message is therefore exactly the Python loader's, with the same line.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 20
_SURROGATE = re.compile("[\ud800-\udfff]")  # only "\\ud800"-style escapes can produce one
# Text that could hold an anchor (&name) or alias (*name): any & or * followed by an anchor character.
_MAYBE_ANCHOR = re.compile(r"[&*][^\s,\[\]{}]")
_ODD_BREAKS = re.compile("[\x85\u2028\u2029]")  # line breaks libyaml may count differently


class YamlError(Exception):
    def __init__(self, line: int, message: str, hint: str = ""):
        super().__init__(message)
        self.line = line
        self.message = message
        self.hint = hint


class Mapping(dict):
    """A dict that knows the line of each of its keys (1-based) and of itself."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class Sequence(list):
    line: int = 0
    item_lines: list


class _Loader(yaml.SafeLoader):
    pass


# Keep dates as text: records are checked by kg.records, which gives a clear message for a bad date
# instead of the exception PyYAML raises on "2024-02-30".
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _compose_node(self, parent, index):
    if self.check_event(yaml.AliasEvent):
        event = self.peek_event()
        raise YamlError(
            event.start_mark.line + 1,
            "YAML aliases (*name) are not allowed in records",
            "write the value out in full",
        )
    event = self.peek_event()
    if getattr(event, "anchor", None):
        raise YamlError(
            event.start_mark.line + 1,
            "YAML anchors (&name) are not allowed in records",
            "remove the anchor and write values out in full",
        )
    if isinstance(event, yaml.ScalarEvent) and _SURROGATE.search(event.value):
        raise YamlError(
            event.start_mark.line + 1,
            "text holds an unpaired surrogate escape (e.g. \\ud800), which is not a character",
            "remove the escape or write the character itself",
        )
    depth = getattr(self, "_kg_depth", 0)
    if depth > MAX_DEPTH:
        raise YamlError(event.start_mark.line + 1, f"nesting deeper than {MAX_DEPTH} levels", "flatten the record")
    self._kg_depth = depth + 1
    try:
        return yaml.SafeLoader.compose_node(self, parent, index)
    finally:
        self._kg_depth = depth


_Loader.compose_node = _compose_node


class _UseSlowPath(Exception):
    """The C loader met something only the Python loader reports precisely; read the file again."""


def _enter(loader, node) -> int:
    """Depth check for the C loader (the Python loader already refused deeper nodes)."""
    depth = loader._kg_built_depth = getattr(loader, "_kg_built_depth", 0) + 1
    if depth > MAX_DEPTH and node.value:
        raise _UseSlowPath
    return depth


def _construct_mapping(loader, node):
    depth = _enter(loader, node)
    result = Mapping()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) or key is None:
            raise YamlError(key_node.start_mark.line + 1, "a key must be a plain word", "quote the key")
        key = str(key)
        if key in result:
            raise YamlError(
                key_node.start_mark.line + 1,
                f"duplicate key '{key}' (first at line {result.key_lines[key]})",
                "keep one of the two",
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    loader._kg_built_depth = depth - 1
    return result


def _construct_sequence(loader, node):
    depth = _enter(loader, node)
    result = Sequence(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    loader._kg_built_depth = depth - 1
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)

_CLoader = None
if getattr(yaml, "__with_libyaml__", False):

    class _CLoader(yaml.CSafeLoader):  # noqa: F811 - defined only when libyaml is present
        yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers

        def construct_object(self, node, deep=False):
            if node in self.constructed_objects or node in self.recursive_objects:
                raise _UseSlowPath  # the same node twice: an alias
            return super().construct_object(node, deep)

    _CLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _CLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def read_text(path: Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The file's text, strictly UTF-8; a YamlError names the line of the first bad byte."""
    raw = path.read_bytes() if path.stat().st_size <= max_bytes else None
    if raw is None:
        raise YamlError(1, f"file is larger than {max_bytes // (1024 * 1024)} MiB", "split it into smaller files")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlError(line, f"not UTF-8 text (byte 0x{raw[exc.start]:02x})", "save the file as UTF-8") from None
    return text.removeprefix("\ufeff")


def load(path: Path):
    """Parse one YAML file into Mapping/Sequence/scalars, or raise YamlError."""
    text = read_text(path)
    if _CLoader is not None and not _MAYBE_ANCHOR.search(text) and not _ODD_BREAKS.search(text):
        try:
            return yaml.load(text, Loader=_CLoader)  # noqa: S506 - _CLoader is a CSafeLoader
        except Exception:  # noqa: BLE001 - any problem: the Python loader below names it precisely
            pass
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except YamlError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlError(line, f"YAML syntax: {exc.problem or exc.context}", "check indentation and quoting") from None
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        raise YamlError(1, f"YAML could not be read: {exc}", "check the file's syntax") from None
