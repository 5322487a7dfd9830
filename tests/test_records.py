"""The record loader: what it accepts, and the message it gives for each kind of mistake."""

from __future__ import annotations

import pytest

from kg.to_rdf import Minter, slugify
from kg.records import RecordsInvalid, SourceText, load_records, name_key, parse_date, resolve

from .conftest import mini_data


def problems_of(data) -> list[str]:
    with pytest.raises(RecordsInvalid) as info:
        load_records(data)
    return [str(p) for p in info.value.problems]


def test_mini_data_loads(mini):
    records = load_records(mini)
    assert set(records.people) == {"asha-khan"}
    event = records.events["mini-workshop"]
    assert event.start_date == "2024-03-01"
    assert event.participants[0].quote.line_in_source == 4
    assert records.reports[0].affiliations[0].title == "Director"


def test_iri_minting_is_readable_and_stable():
    iri = Minter("https://kg.example.org/id/")
    assert iri("person", "john-collins").value == "https://kg.example.org/id/person/john-collins"
    assert iri.graph("toc-day").value == "https://kg.example.org/id/graph/public/toc-day"
    assert slugify("Director of Academic Engagement") == "director-of-academic-engagement"
    assert slugify("Counsellor-Lahore") == "counsellor-lahore"
    assert slugify("Directeur général") == "directeur-general"


def test_alias_resolution(mini):
    records = load_records(mini)
    assert resolve(records, "Ms. Khan") == {"asha-khan"}
    assert resolve(records, "asha  KHAN") == {"asha-khan"}
    assert resolve(records, "example org") == {"example-org"}
    assert resolve(records, "Someone Else") == set()
    assert name_key("Mr. John Colling") == "john colling"


def test_dates():
    assert parse_date("2024-11-15") == "2024-11-15"
    assert parse_date(2022) == "2022"
    assert parse_date("2022-09") == "2022-09"
    assert parse_date("2024-02-30") is None
    assert parse_date("15 Nov 2024") is None


def test_quotes_fold_white_space_and_typographic_apostrophes():
    text = SourceText("Title\n\nPakistan\u2019s role was\n  stressed here.\n")
    assert text.line_of("Pakistan's role was stressed here.") == 3
    assert text.line_of("not in the text") == 0


def test_broken_yaml_names_file_and_line(tmp_path):
    data = mini_data(tmp_path, people="people:\n  - id: a\n    name: [unclosed\n")
    (message,) = problems_of(data)
    assert message.startswith("data/people.yaml:")
    assert "YAML syntax" in message and "hint:" in message


def test_missing_required_field(tmp_path):
    data = mini_data(tmp_path, people="people:\n  - id: asha-khan\n    honorific: Ms.\n")
    messages = problems_of(data)
    assert any(m.startswith("data/people.yaml:2: people[0].name: required field is missing") for m in messages)


def test_unknown_person_reference_suggests_the_near_id(tmp_path):
    data = mini_data(tmp_path)
    report = (data / "reports" / "mini.yaml").read_text().replace("- person: asha-khan", "- person: asha-kahn")
    (data / "reports" / "mini.yaml").write_text(report)
    messages = problems_of(data)
    assert any("data/reports/mini.yaml:" in m and "unknown id 'asha-kahn'" in m and "did you mean 'asha-khan'" in m for m in messages)


def test_duplicate_id(tmp_path):
    people = "people:\n  - id: asha-khan\n    name: Asha Khan\n  - id: asha-khan\n    name: Asha K.\n"
    messages = problems_of(mini_data(tmp_path, people=people))
    assert messages == ["data/people.yaml:4: people[1].id: duplicate id 'asha-khan' (first at line 2) "
                        "(hint: give each person one entry; put other spellings in aliases)"]


def test_non_utf8_file(tmp_path):
    data = mini_data(tmp_path)
    (data / "organizations.yaml").write_bytes(b"organizations:\n  - id: x\n    name: Caf\xe9\n    sector: academia\n")
    (message,) = problems_of(data)
    assert message.startswith("data/organizations.yaml:3: file: not UTF-8 text (byte 0xe9)")


def test_bad_date_unknown_field_and_bad_enum(tmp_path):
    data = mini_data(tmp_path)
    path = data / "reports" / "mini.yaml"
    text = path.read_text().replace("start_date: 2024-03-01", "start_date: 2024-02-30\n    venu: Hall")
    path.write_text(text.replace("type: workshop", "type: workshp"))
    messages = problems_of(data)
    assert any(":9: events[0].start_date: '2024-02-30' is not a date" in m for m in messages)
    assert any(":10: events[0].venu: unknown field (hint: did you mean 'venue'?)" in m for m in messages)
    assert any("events[0].type: 'workshp' is not an allowed value (hint: did you mean 'workshop'?)" in m for m in messages)


def test_quote_must_occur_in_the_source(tmp_path):
    data = mini_data(tmp_path)
    path = data / "reports" / "mini.yaml"
    lines = path.read_text().splitlines()
    lines[-1] = "    quote: Ms. Asha Khan founded Example Org."
    path.write_text("\n".join(lines) + "\n")
    messages = problems_of(data)
    assert any("affiliations[0].quote: quote not found in sources/mini.txt" in m for m in messages)


def test_source_file_outside_data_is_refused(tmp_path):
    data = mini_data(tmp_path)
    path = data / "reports" / "mini.yaml"
    path.write_text(path.read_text().replace("file: sources/mini.txt", "file: ../../etc/passwd"))
    messages = problems_of(data)
    assert any("source.file: '../../etc/passwd' is outside the data folder" in m for m in messages)


def test_yaml_aliases_are_refused(tmp_path):
    people = "people:\n  - &p\n    id: asha-khan\n    name: Asha Khan\n  - *p\n"
    (message,) = problems_of(mini_data(tmp_path, people=people))
    assert "data/people.yaml:2: file: YAML anchors (&name) are not allowed" in message


def test_all_problems_reported_in_one_run(tmp_path):
    people = "people:\n  - id: Bad Id\n    name: X\n  - id: ok\n"
    messages = problems_of(mini_data(tmp_path, people=people))
    assert len(messages) >= 3  # bad id, missing name, and the now-unknown asha-khan reference


def _shape(value):
    """Values with the lines yamlfile keeps, to compare the two readers."""
    from kg import yamlfile

    if isinstance(value, yamlfile.Mapping):
        return ("map", value.line, sorted(value.key_lines.items()), [(k, _shape(v)) for k, v in value.items()])
    if isinstance(value, yamlfile.Sequence):
        return ("seq", value.line, value.item_lines, [_shape(v) for v in value])
    return (type(value).__name__, value)


def test_c_and_python_yaml_readers_agree_on_the_project_records():
    import yaml

    from kg import yamlfile

    from .conftest import DATA

    if yamlfile._CLoader is None:
        pytest.skip("PyYAML was built without libyaml: only the Python reader runs")
    files = sorted(DATA.rglob("*.yaml"))
    assert files
    for path in files:
        text = yamlfile.read_text(path)
        fast, slow = yaml.load(text, Loader=yamlfile._CLoader), yaml.load(text, Loader=yamlfile._Loader)  # noqa: S506
        assert _shape(fast) == _shape(slow), path


@pytest.mark.parametrize("text", [
    "people:\n  - id: a\n    id: b\n",  # duplicate key (found while constructing)
    "people:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 30)) + "  " * 30 + "x\n",  # too deep
    "people: " + "[" * 2000 + "]" * 2000 + "\n",  # deeper than libyaml itself allows
    'people: ["\\ud800"]\n',  # a lone surrogate escape (libyaml refuses it with its own words)
    "people: [a, b\nx: 1\n",  # a syntax error
    "people:\n  - &p {id: a}\n  - *p\n",  # anchor and alias
    "people: !!python/object/apply:os.system ['echo']\n",
])
def test_yaml_errors_read_exactly_as_the_python_reader_words_them(tmp_path, text):
    import yaml

    from kg import yamlfile

    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(yamlfile.YamlError) as fast:
        yamlfile.load(path)
    try:
        yaml.load(text, Loader=yamlfile._Loader)  # noqa: S506
    except yamlfile.YamlError as exc:
        expected = (exc.line, exc.message, exc.hint)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        expected = (mark.line + 1, f"YAML syntax: {exc.problem or exc.context}", "check indentation and quoting")
    assert (fast.value.line, fast.value.message, fast.value.hint) == expected


def test_c_reader_hands_aliases_to_the_python_reader():
    import yaml

    from kg import yamlfile

    if yamlfile._CLoader is None:
        pytest.skip("PyYAML was built without libyaml")
    with pytest.raises(yamlfile._UseSlowPath):
        yaml.load("a: &x [1]\nb: *x\n", Loader=yamlfile._CLoader)  # noqa: S506
