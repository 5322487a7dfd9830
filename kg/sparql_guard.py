"""What the read-only endpoint refuses (SERVICE, updates), decided on SPARQL 1.1's own terminals.

A query is cut into tokens the way the terminals of the SPARQL 1.1 grammar cut it (Query Language,
section 19.8): comments run to ``\\n`` or ``\\r``; ``IRIREF``; prefixed names with ``PN_LOCAL_ESC``
and ``%XX``; the four string forms with ``ECHAR`` escapes; variables; numbers; keywords, which are
case-insensitive. It is cut twice: as sent (Oxigraph reads ``\\u`` escapes only inside strings and
IRIs) and after undoing the codepoint escapes of section 19.2 everywhere, as the spec (and rdflib)
does before parsing; what either reading shows is refused.

The engines are PEG parsers that match a keyword wherever a rule may start, with no word boundary:
pyoxigraph runs ``?s ?p trueSERVICE <…> {…}``, ``SERVICEx:y {…}``, ``ex:a.b.SERVICE <…> {…}`` (its
local names take one dotted part) and ``ex:service <…> {…}`` (when ``ex:service`` is no valid IRI it
reads ``ex:`` alone). So the word is looked for wherever a keyword could begin, not only as a token:

- a bare word (keyword or function name) or the prefix of a prefixed name that contains ``service``;
- a local name or blank-node label in which ``service`` starts the name or follows anything but a
  letter, digit, ``_`` or ``-``;
- a bare word that begins with an update keyword (LOAD, CLEAR, DROP, CREATE, ADD, MOVE, COPY, INSERT,
  DELETE, WITH).

Fail-safe: when the text does not cut into tokens, or an ``IRIREF`` inside parentheses right after an
operand holds ``#`` or ``'`` (an engine may read that ``<`` as "less than", then the ``#`` as a
comment or the ``'`` as a string: ``FILTER(?o<h:/?x#>)``), a query that holds the word anywhere is
refused. The messages are fixed texts: they never depend on what the query would have reached.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# the terminals (names as in the grammar) --------------------------------------------------------------
# PN_CHARS_BASE beyond A-Za-z, and what PN_CHARS adds to PN_CHARS_U beyond "-" and digits, as code point ranges
BASE_RANGES = ((0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0x2FF), (0x370, 0x37D), (0x37F, 0x1FFF), (0x200C, 0x200D),
               (0x2070, 0x218F), (0x2C00, 0x2FEF), (0x3001, 0xD7FF), (0xF900, 0xFDCF), (0xFDF0, 0xFFFD),
               (0x10000, 0xEFFFF))  # fmt: skip
EXTRA_RANGES = ((0xB7, 0xB7), (0x300, 0x36F), (0x203F, 0x2040))


def _class(ranges) -> str:
    """Code point ranges as the inside of a regular-expression class."""
    return "".join(f"\\U{lo:08x}" if lo == hi else f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in ranges)


PN_CHARS_BASE = "A-Za-z" + _class(BASE_RANGES)
HEX = "[0-9A-Fa-f]"
UCHAR = rf"\\u{HEX}{{4}}|\\U{HEX}{{8}}"
ECHAR = r"""\\[tbnrf\\"']"""
PLX = rf"%{HEX}{HEX}|\\[_~.\-!$&'()*+,;=/?#@%]"
EXPONENT = "[eE][+-]?[0-9]+"


def _long(q: str) -> str:  # STRING_LITERAL_LONG1/2; *+ repeats as a PEG does (no giving back)
    return rf"{q}{q}{q}(?:(?:{q}{q}|{q})?(?:[^{q}\\]|{ECHAR}|{UCHAR}))*+{q}{q}{q}"


def _short(q: str) -> str:  # STRING_LITERAL1/2 (UCHAR: Oxigraph reads it inside strings)
    return rf"{q}(?:[^{q}\\\n\r]|{ECHAR}|{UCHAR})*+{q}"


@functools.lru_cache(maxsize=64)  # per set of characters beyond ASCII (an endpoint sees many queries)
def _token_pattern(base_extra: str, chars_extra: str) -> re.Pattern:
    """The terminals as one pattern, with ``base_extra`` and ``chars_extra`` (class contents) for the name
    characters beyond ASCII (``BASE_RANGES``, ``EXTRA_RANGES``)."""
    base = "A-Za-z" + base_extra
    pn_chars_u = base + "_"
    pn_chars = pn_chars_u + "\\-0-9" + chars_extra
    pn_prefix = rf"[{base}](?:[{pn_chars}.]*[{pn_chars}])?"
    pn_local = rf"(?:[{pn_chars_u}:0-9]|{PLX})(?:(?:[{pn_chars}.:]|{PLX})*(?:[{pn_chars}:]|{PLX}))?"
    varname = rf"[{pn_chars_u}0-9][{pn_chars_u}0-9{chars_extra}]*"
    return re.compile(
        "|".join(
            f"(?P<{kind}>{pattern})"
            for kind, pattern in [
                ("ws", r"[ \t\r\n]+"),
                ("comment", r"#[^\r\n]*"),
                ("string", "|".join([_long("'"), _long('"'), _short("'"), _short('"')])),
                ("iri", rf"<(?:[^<>\"{{}}|^`\\\x00-\x20]|{UCHAR})*>"),
                ("var", rf"[?$]{varname}"),
                ("bnode", rf"_:[{pn_chars_u}0-9](?:[{pn_chars}.]*[{pn_chars}])?"),
                ("pname", rf"(?:{pn_prefix})?:(?:{pn_local})?"),
                ("number", rf"[0-9]+\.[0-9]*{EXPONENT}|\.[0-9]+{EXPONENT}|[0-9]+{EXPONENT}|[0-9]*\.[0-9]+|[0-9]+"),
                ("langtag", r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*"),
                # a bare word; a run of name characters and dots is one token, so that a name that is no
                # prefixed name (no colon) is scanned once, not again from each of its dots
                ("word", rf"[{base}](?:[{pn_chars}.]*[{pn_chars}])?|[^\W\d]\w*"),
                ("punct", r"[{}()\[\],;.*/|^!<>=&+\-~@?]"),
                ("other", r"."),  # none of the terminals: the text does not cut into tokens
            ]
        ),
        re.DOTALL,
    )


def _within(code: int, ranges) -> bool:
    return any(lo <= code <= hi for lo, hi in ranges)


def token_pattern(text: str) -> re.Pattern:
    """The pattern that cuts ``text`` into tokens. Compiling the name characters' Unicode ranges whole takes
    ~50–250 ms, so the classes hold only the characters beyond ASCII that ``text`` has: on ``text`` they
    match exactly what the whole ranges match (no flag folds case), for a fraction of the time. Kept per
    set of such characters (an all-ASCII text, the usual case, has none)."""
    found = sorted({ord(c) for c in text if not c.isascii()})
    return _token_pattern(_class((c, c) for c in found if _within(c, BASE_RANGES)),
                          _class((c, c) for c in found if _within(c, EXTRA_RANGES)))  # fmt: skip


def full_token_pattern() -> re.Pattern:
    """The pattern with the whole ranges (what ``token_pattern`` is equal to on any one text; for the tests)."""
    return _token_pattern(_class(BASE_RANGES), _class(EXTRA_RANGES))


OPERAND_ENDS = {"var", "string", "iri", "bnode", "pname", "number", "langtag", "word", ")", "]"}
UPDATE_KEYWORDS = ("load", "clear", "drop", "create", "add", "move", "copy", "insert", "delete", "with")
WORDS = re.compile(r"[^\W\d]\w*")  # the words of a bare-word token (``a.b`` holds two)
LOCAL_SERVICE = re.compile(r"(?<![\w-])service")  # in a folded local name


def folds(text: str) -> tuple[str, str]:
    """The text lower-cased two ways: Oxigraph folds ASCII only, while rdflib's parser compares
    ``text.upper()`` with the keyword, so "ſERVICE" (long s) and "SERVıCE" (dotless i) are SERVICE to it."""
    return text.lower(), text.upper().lower()


def tokens(sparql: str) -> tuple[list[tuple[str, str]], bool]:
    """The query's tokens as (kind, text), comments and white space left out (punctuation's kind is
    itself: ``{``, ``(`` …), and whether all of the text was tokens."""
    out = []
    for match in token_pattern(sparql).finditer(sparql):  # every character is in some match: "other" takes any one
        kind = match.lastgroup
        if kind == "other":
            return out, False
        if kind != "ws" and kind != "comment":
            text = match.group()
            out.append((text if kind == "punct" else kind, text))
    return out, True


def unescape_codepoints(sparql: str) -> str:
    """Section 19.2: ``\\uXXXX`` and ``\\UXXXXXXXX`` undone in the whole text, once, before parsing."""
    return re.sub(rf"\\u({HEX}{{4}})|\\U({HEX}{{8}})", lambda m: _char(m.group(1) or m.group(2)), sparql)


def _char(hex_digits: str) -> str:
    code = int(hex_digits, 16)
    return chr(code) if code <= 0x10FFFF else "\ufffd"


@dataclass
class Reading:
    """What one reading of the query shows."""

    service: bool = False  # the SERVICE keyword may start somewhere
    update: bool = False  # an update keyword
    doubtful: bool = False  # not all tokens, or an IRI that may be read as "<" and more
    ordered: bool = False  # an ORDER BY outside every brace


def read(sparql: str) -> Reading:
    """One reading of the text, as the SPARQL 1.1 terminals cut it."""
    found, complete = tokens(sparql)
    reading = Reading(doubtful=not complete)
    braces = parens = 0
    previous = ("", "")
    for kind, text in found:
        if kind == "word":
            reading.service |= any("service" in form for form in folds(text))
            reading.update |= any(w.startswith(UPDATE_KEYWORDS) for f in folds(text) for w in WORDS.findall(f))
            reading.ordered |= braces == 0 and text.lower() == "by" and previous[1].lower() == "order"
        elif kind == "pname":
            prefix, _, local = text.partition(":")
            reading.service |= any("service" in form for form in folds(prefix))
            reading.service |= any(LOCAL_SERVICE.search(form) for form in folds(local))
        elif kind == "bnode":
            reading.service |= any(LOCAL_SERVICE.search(form) for form in folds(text[2:]))
        elif kind == "iri":
            after_operand = previous[0] in OPERAND_ENDS
            reading.doubtful |= parens > 0 and after_operand and ("#" in text or "'" in text)
        elif kind in ("{", "}", "(", ")"):
            braces += {"{": 1, "}": -1}.get(kind, 0)
            parens += {"(": 1, ")": -1}.get(kind, 0)
        previous = (kind, text)
    return reading


def readings(sparql: str) -> list[Reading]:
    """The query as sent and with its codepoint escapes undone (the same reading once when it has none)."""
    unescaped = unescape_codepoints(sparql)
    return [read(sparql)] + ([read(unescaped)] if unescaped != sparql else [])


def mentions_service(sparql: str) -> bool:
    """The word anywhere, as sent or unescaped, folded as either engine folds its keywords."""
    return any("service" in form for text in (sparql, unescape_codepoints(sparql)) for form in folds(text))
