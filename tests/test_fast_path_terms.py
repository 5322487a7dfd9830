"""kg.terms spells a literal as rdflib does, without rdflib: checked against rdflib on any lexical form."""

from __future__ import annotations

import logging

import pyoxigraph as ox
import pytest
import rdflib.term
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg import terms
from kg.rdflib_terms import term_json, to_ox, to_rdflib

XSD = terms.XSD
DATATYPES = sorted(terms.RECOGNIZED) + ["http://example.org/custom", "http://example.org/dt#string"]
# text that looks like each datatype's forms, and any text at all
LEXICAL = st.one_of(
    st.from_regex(r"[+-]?[0-9]{0,6}(\.[0-9]{0,4})?([eE][+-]?[0-9]{1,3})?", fullmatch=True),
    st.from_regex(r"-?[0-9]{4}-[0-9]{2}-[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?", fullmatch=True),
    st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z?", fullmatch=True),
    st.sampled_from(["true", "false", "1", "0", "TRUE", " 1", "INF", "-INF", "NaN", "1_000", "٣", "PT2H", "P1Y"]),
    st.text(max_size=12),
)


@pytest.fixture(autouse=True)
def _quiet_rdflib(caplog):
    caplog.set_level(logging.ERROR, logger="rdflib")  # rdflib warns about every ill-typed form it meets


@pytest.mark.filterwarnings("ignore::UserWarning")  # rdflib: "Parsing weird boolean"
@settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck))
@given(LEXICAL, st.sampled_from(DATATYPES))
def test_a_typed_literal_is_spelled_as_rdflib_spells_it(value, datatype):
    try:
        term = ox.Literal(value, datatype=ox.NamedNode(datatype))
    except ValueError:
        return
    assert terms.spelled_json(term) == term_json(to_rdflib(term))
    assert terms.spelled(term) == to_ox(to_rdflib(term))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=12), st.sampled_from(["en", "en-GB", "fr", "zh-Hant-TW", "x-private"]))
def test_text_with_a_language_is_spelled_as_rdflib_spells_it(value, language):
    term = ox.Literal(value, language=language)
    assert terms.spelled_json(term) == term_json(to_rdflib(term))
    assert terms.spelled(term) == to_ox(to_rdflib(term))


def test_iris_blank_nodes_and_unbound_cells():
    for term in (ox.NamedNode("https://example.org/a"), ox.BlankNode("b0"), None):
        assert terms.spelled_json(term) == term_json(to_rdflib(term))


def test_the_forms_kept_without_rdflib_are_the_usual_ones():
    """The spellings decided without rdflib: a form that differs goes to rdflib (the tests above)."""
    decided = lambda value, datatype: terms.rdflib_form(ox.Literal(value, datatype=ox.NamedNode(XSD + datatype)))  # noqa: E731
    assert decided("007", "integer") == ("7", None, XSD + "integer")
    assert decided("1.0E0", "double") == ("1.0", None, XSD + "double")
    assert decided("2.50", "decimal") == ("2.50", None, XSD + "decimal")
    assert decided("2022-07-03", "date") == ("2022-07-03", None, XSD + "date")
    assert decided("2023", "gYear") == ("2023", None, XSD + "gYear")  # a datatype rdflib does not convert
    for value, datatype in [("2024-01-05T10:00:00Z", "dateTime"), ("PT2H", "duration"), ("1", "boolean"),
                            ("2024-02-30", "date"), ("INF", "double"), ("a  b", "normalizedString")]:  # fmt: skip
        assert decided(value, datatype) is None, (value, datatype)  # rdflib is asked


def test_every_datatype_rdflib_converts_is_known_here():
    """A datatype rdflib converts but kg.terms took for one it keeps as written would be spelled wrong."""
    converted = {str(k) for k in rdflib.term._toPythonMapping if k is not None}
    assert converted <= terms.RECOGNIZED, converted - terms.RECOGNIZED
    assert rdflib.NORMALIZE_LITERALS  # the spelling of kg.terms is rdflib's normalized one


def test_the_guard_cuts_a_text_as_the_whole_unicode_ranges_do():
    """kg.sparql_guard compiles, per text, only the name characters beyond ASCII that the text has."""
    import random

    from kg import sparql, sparql_guard

    full = sparql_guard.full_token_pattern()
    alphabet = list("aSERVICEs:_-.?$<>\"'#{}()[] \n\\u0053z09@^*;,=!/|+~&") + [
        "é", "ſ", "ı", "·", "\u0300", "‿", "𐀀", "\u00c0", "K", "—", "\u2070", "\U000effff", "\U000f0000", "\u037e"]  # fmt: skip
    rnd = random.Random(3)
    texts = [q.text for q in sparql.named_queries()] + ["".join(rnd.choices(alphabet, k=rnd.randint(1, 30)))
                                                        for _ in range(3000)]  # fmt: skip
    for text in texts:
        mine = [(m.lastgroup, m.group()) for m in sparql_guard.token_pattern(text).finditer(text)]
        assert mine == [(m.lastgroup, m.group()) for m in full.finditer(text)], text


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab&<>\"'\n\r\t é"), max_size=12))
def test_the_xml_escapes_are_the_standard_librarys(text):
    from xml.sax.saxutils import escape, quoteattr

    from kg.sparql import results

    assert results.escape(text) == escape(text) and results.quoteattr(text) == quoteattr(text)
