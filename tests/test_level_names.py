"""A quote that names a person above the level is withheld however the name is written (issue 12,
finding 9): a line break at the name's hyphen, a space, en dash, non-breaking or soft hyphen for the
hyphen, an alias with a suffix, Unicode NFD text against an NFC registry name, surname first.

The names are invented. Each variant is the only sentence naming the restricted person, quoted by a
public fact (Asha Khan's affiliation), so at the public level it must become the withheld marker.
"""

from __future__ import annotations

import textwrap
import unicodedata

import pytest

from kg.records import load_records, name_key, resolve

from .conftest import kg, mini_data

NAME = "Zoë Quimby-Restricted"  # NFC in the registry
PEOPLE = f"""\
people:
  - id: asha-khan
    name: Asha Khan
    honorific: Ms.
  - id: zoe-quimby
    name: {NAME}
    aliases: [Z. Quimby]
    sensitivity: restricted
"""
NFD = unicodedata.normalize("NFD", "Zoë")
assert NFD != "Zoë"

# (what the variant is, the sentence as it is in the source text, with \n for a line break)
VARIANTS = [
    ("line break at the hyphen", "Zoë Quimby-\nRestricted met Asha Khan, token1."),
    ("space for the hyphen", "Zoë Quimby Restricted met Asha Khan, token2."),
    ("en dash for the hyphen", "Zoë Quimby\u2013Restricted met Asha Khan, token3."),
    ("non-breaking hyphen", "Zoë Quimby\u2011Restricted met Asha Khan, token4."),
    ("soft hyphen for the hyphen", "Zoë Quimby\u00adRestricted met Asha Khan, token5."),
    ("alias with a suffix", "The Z. Quimby-led panel met Asha Khan, token6."),
    ("NFD text, NFC registry", f"{NFD} Quimby-Restricted met Asha Khan, token7."),
    ("surname first", "QUIMBY-RESTRICTED, Zoë met Asha Khan, token8."),
    ("word broken at a line end", "Zoë Quimby-Restric-\nted met Asha Khan, token9."),
    ("soft hyphen inside a word", "Zoë Quim\u00adby-Restricted met Asha Khan, token10."),
    ("zero-width space and full-width letters", "Zoë Quimby\u200b-Ｒｅｓｔｒｉｃｔｅｄ met Asha Khan, token11."),
]


def _data(root, sentence: str):
    data = mini_data(root, people=PEOPLE, report=textwrap.dedent("""\
        source:
          id: mini
          title: Mini report
          file: sources/mini.txt
        events:
          - id: mini-workshop
            name: Workshop on human trafficking
            type: workshop
            quotes:
              name: The workshop on human trafficking was held in Karachi on 1 March 2024.
        affiliations:
          - person: asha-khan
            organization: example-org
            quote: QUOTE
        """).replace("QUOTE", '"' + sentence.replace("\n", "\\n") + '"'))  # fmt: skip
    source = data / "sources" / "mini.txt"
    source.write_text(source.read_text() + sentence + "\n", encoding="utf-8")
    return data


def _export(data, build_dir, level):
    result = kg("export", "--format", "nq", "--level", level, "--data", data, "--build-dir", build_dir)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("what,sentence", VARIANTS, ids=[v[0] for v in VARIANTS])
def test_quote_naming_a_restricted_person_is_withheld_however_written(tmp_path, what, sentence):
    data = _data(tmp_path, sentence)
    token = sentence.rsplit(" ", 1)[1].rstrip(".")
    assert kg("validate", "--no-shacl", "--data", data).exit_code == 0  # the quote is found in the source
    public = _export(data, tmp_path / "b", "public")
    assert token not in public, f"{what}: the sentence reached the public graph"
    assert "[withheld: this sentence names someone recorded at the restricted level]" in public
    assert token in _export(data, tmp_path / "b", "restricted")  # whole at its own level


def test_a_sentence_naming_no_one_above_the_level_is_kept(tmp_path):
    data = _data(tmp_path, "Mr. Quimby of Restricted Street met Asha Khan, token0.")  # not a name listed
    assert "token0" in _export(data, tmp_path / "b", "public")


def test_the_one_name_key_folds_unicode_dashes_and_line_breaks():
    same = ["Zoë Quimby-Restricted", f"{NFD} QUIMBY\u2011restricted", "Dr. Zoë Quimby \u2014 Restricted",
            "Zoë\nQuimby-\nRestricted", "zoë quimby_restricted"]  # fmt: skip
    assert {name_key(n) for n in same} == {"zoe quimby restricted"}


def test_resolve_finds_a_person_written_surname_first_or_in_nfd(tmp_path):
    records = load_records(mini_data(tmp_path, people=PEOPLE))
    assert resolve(records, "Quimby-Restricted, Zoë") == {"zoe-quimby"}
    assert resolve(records, f"{NFD} Quimby\u2013Restricted") == {"zoe-quimby"}
    assert resolve(records, "Khan, Asha") == {"asha-khan"}
