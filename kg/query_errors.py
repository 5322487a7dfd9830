"""Why a query is not valid SPARQL, said so a person can fix it: the line and column of the text they
wrote (not of the PREFIX lines and VALUES block kg adds), that line quoted with a caret under the
place, and what was expected in words.

Mistakes whose engine report misleads are recognised in the text itself: a misspelt query form
(``SELEC`` — pyoxigraph says "expected CONSTRUCT"), nothing to select after SELECT, a prefix that is
not defined (pyoxigraph lists five lines of Unicode ranges; the close known prefix is suggested), a
bracket that closes nothing or is never closed, and a bare word that is no keyword (``LIMT``).
Anything else is pyoxigraph's report, re-read on the person's text alone (no VALUES block) with its
line moved back past the added PREFIX lines and its expected tokens kept to words and punctuation;
when pyoxigraph names only the end of the text (its answer when a clause fails anywhere), rdflib's
parser, which stops at the clause that fails, gives the place instead.
"""

from __future__ import annotations

import difflib
import re

FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")
LOCATED = re.compile(r"^error at (\d+):(\d+): (.*)$", re.DOTALL)
# comments, strings and <IRIs>: blanked (same length, newlines kept) so words are not found inside them
OPAQUE = re.compile(r'#[^\n]*|"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>')
PREFIXED = re.compile(r"(?<![\w?$:.\-])([A-Za-z][\w.\-]*)?:(?=[\w%\\]|\s|$)")
DECLARED = re.compile(r"PREFIX\s+([A-Za-z][\w.\-]*)?:", re.IGNORECASE)
PROLOGUE = re.compile(r"\s*(?:(?:PREFIX\s+[\w.\-]*:|BASE)(?![\w:])\s*)*", re.IGNORECASE)  # IRIs are blanked


def _blank(text: str) -> str:
    return OPAQUE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def located(text: str, line: int, column: int, what: str) -> str:
    """``line L, column C: what``, then the line quoted and a caret under the column."""
    lines = text.split("\n") or [""]
    line = min(max(line, 1), len(lines))
    quoted = lines[line - 1]
    column = min(max(column, 1), len(quoted) + 1)
    pad = "".join("\t" if c == "\t" else " " for c in quoted[: column - 1])
    return f"line {line}, column {column}: {what}\n    {quoted}\n    {pad}^"


def _either(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def undefined_prefix(text: str, known: dict[str, str]) -> str | None:
    """The first prefixed name whose prefix neither the query nor ``known`` defines, explained."""
    blank = _blank(text)
    declared = {(m.group(1) or "") for m in DECLARED.finditer(blank)}
    for match in PREFIXED.finditer(blank):
        prefix = match.group(1) or ""
        if prefix in declared or prefix in known or blank[: match.start()].rstrip().upper().endswith("PREFIX"):
            continue
        close = difflib.get_close_matches(prefix, sorted(set(known) | declared), n=1, cutoff=0.6)
        hint = f" Did you mean `{close[0]}:`?" if close else ""
        what = (f"the prefix `{prefix}:` is not defined.{hint} Declare it (PREFIX {prefix}: <…>) or use a known "
                "prefix (`kg query --help` lists them)")  # fmt: skip
        return located(text, *_position(text, match.start()), what)
    return None


def misread_start(text: str) -> str | None:
    """A query that does not start with a query form, or selects nothing, explained."""
    blank = _blank(text)
    start = PROLOGUE.match(blank).end()
    word = re.match(r"[A-Za-z]*", blank[start:]).group(0)
    if word.upper() not in FORMS:
        close = difflib.get_close_matches(word.upper(), FORMS, n=1, cutoff=0.5) if word else []
        found = f", not `{word}`" if word else ""
        hint = f" (did you mean {close[0]}?)" if close else ""
        return located(text, *_position(text, start), f"expected {_either(list(FORMS))}{found}{hint}")
    if word.upper() != "SELECT":
        return None
    after = re.compile(r"SELECT(\s+(?:DISTINCT|REDUCED))?\s*", re.IGNORECASE).match(blank, start)
    if not re.match(r"[?$*(]", blank[after.end() :]):
        modifier = (after.group(1) or "").strip().upper()
        what = f"expected a variable or `*` after SELECT{' ' + modifier if modifier else ''}"
        return located(text, *_position(text, after.end()), what)
    return None


KEYWORDS = set("""BASE PREFIX SELECT CONSTRUCT DESCRIBE ASK DISTINCT REDUCED AS FROM NAMED WHERE ORDER BY ASC DESC
LIMIT OFFSET GROUP HAVING VALUES UNDEF OPTIONAL GRAPH SERVICE SILENT BIND UNION MINUS FILTER NOT IN EXISTS SEPARATOR
LATERAL A TRUE FALSE""".split())  # fmt: skip
BARE_WORD = re.compile(r"(?<![\w?$:.\-@^])[A-Za-z][\w\-]*(?![\w\-:])(?!\s*\()")
BRACKETS = {"(": ")", "{": "}", "[": "]"}


def unknown_word(text: str) -> str | None:
    """A bare word that is no SPARQL keyword (``LIMT``), and not a function (those take a ``(``)."""
    blank = _blank(text)
    for match in BARE_WORD.finditer(blank):
        word = match.group(0)
        if word.upper() not in KEYWORDS:
            close = difflib.get_close_matches(word.upper(), sorted(KEYWORDS), n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]}?)" if close else " (write a variable ?name, a term <IRI> or prefix:name)"
            return located(text, *_position(text, match.start()), f"`{word}` is not a SPARQL keyword{hint}")
    return None


def unbalanced(text: str) -> str | None:
    """A bracket that closes nothing, the wrong one, or is never closed."""
    blank, opened = _blank(text), []
    for i, c in enumerate(blank):
        if c in BRACKETS:
            opened.append(i)
        elif c in BRACKETS.values():
            if not opened or BRACKETS[blank[opened[-1]]] != c:
                if opened:
                    line, column = _position(text, opened[-1])
                    what = f"`{c}` cannot close the `{blank[opened[-1]]}` opened at line {line}, column {column}"
                else:
                    what = f"`{c}` closes nothing"
                return located(text, *_position(text, i), what)
            opened.pop()
    if opened:
        bracket = blank[opened[-1]]
        return located(text, *_position(text, opened[-1]), f"`{bracket}` is never closed: a `{BRACKETS[bracket]}` is missing")
    return None


def _rdflib_position(text: str) -> tuple[int, int, str] | None:
    """Where rdflib's parser stops reading the query (it names the clause that fails, where
    pyoxigraph often names only the end of the text), and the token found there."""
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parseQuery(text)
    except Exception as exc:  # noqa: BLE001 - pyparsing's ParseException, or anything rdflib's dialect refuses
        if getattr(exc, "lineno", None) and getattr(exc, "pstr", None) is not None:
            token = re.match(r"[\w?$:-]{1,30}|\S?", exc.pstr[exc.loc :]).group(0)
            return exc.lineno, exc.col, token
    return None


def _expected_words(message: str) -> str:
    """pyoxigraph's "expected one of …" list kept to keywords and punctuation (no character ranges)."""
    message = message.strip()
    if "IRI parsing failed" in message:
        return "an IRI in <…> holds a character an IRI cannot (a space, quote, brace or backslash)"
    match = re.match(r"expected (?:one of )?(.*)$", message, re.DOTALL)
    if not match:
        return message
    items = re.findall(r'"(?:[^"\\]|\\.)*"|\[[^\]]*\]|[^,\s][^,]*', match.group(1))
    words = []
    for item in (i.strip() for i in items):
        if item.startswith("["):  # a character class: ranges, '%', whitespace …
            continue
        if item.startswith('"'):
            item = f"`{item[1:-1].encode().decode('unicode_escape')}`"
        elif re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", item):
            item = item.upper()
        else:
            continue
        if item not in words:
            words.append(item)
    return f"expected {_either(words)}" if words else "this is where the engine stopped understanding the query"


def problem(text: str, base: str | None = None) -> str | None:
    """What is wrong with ``text`` (the query as the person wrote it), positioned in that text; None
    when it is valid SPARQL. ``base`` is the data's base IRI (for the data prefixes and relative IRIs)."""
    import pyoxigraph as ox

    from .sparql.text import with_prefixes
    from .vocab import all_prefixes

    found = (misread_start(text) or undefined_prefix(text, all_prefixes(base)) or unbalanced(text)
             or unknown_word(text))  # fmt: skip
    if found:
        return f"the query is not valid SPARQL: {found}"
    sent = with_prefixes(text, base)
    added_lines = sent[: len(sent) - len(text)].count("\n")
    try:  # the person's text alone (no VALUES block), on an empty store: only its syntax is judged
        ox.Store().query(sent, base_iri=base) if base else ox.Store().query(sent)
    except SyntaxError as exc:
        match = LOCATED.match(str(exc))
        if not match:
            return f"the query is not valid SPARQL: {exc}"
        line, column, what = int(match.group(1)) - added_lines, int(match.group(2)), _expected_words(match.group(3))
        lines = text.split("\n")
        if line > len(lines) or not "\n".join([lines[line - 1][column - 1 :]] + lines[line:]).strip():
            # pyoxigraph names the end of the text when a clause fails anywhere: rdflib names the clause
            stop = _rdflib_position(with_prefixes(text, base))
            if stop and stop[0] - added_lines >= 1:
                line, column = stop[0] - added_lines, stop[1]
                what = (f"the query cannot be read from `{stop[2]}` on: a term, operator or keyword is missing, "
                        "extra or misspelt here")  # fmt: skip
            else:
                line, column = _position(text, len(text.rstrip()))
                what = f"the query ends too early: {what}"
        return f"the query is not valid SPARQL: {located(text, line, column, what)}"
    except Exception:  # noqa: BLE001 - it parsed; evaluating it is the real store's business
        pass
    return None


def explain(text: str, base: str | None, engine_message: str) -> str:
    """``problem(text, base)``, or, when the person's text alone parses (the fault was then in what kg
    added to it), the engine's own message."""
    return problem(text, base) or f"the query is not valid SPARQL: {engine_message}"
