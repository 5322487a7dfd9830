"""A parameter that takes an id and names nothing readable is an error with the nearest ids, never "(0 rows)".

Ids in the seed (data/): the organization `cfhr`, the theme `human-trafficking`, the person
`john-collins`. Suggestions come only from what is readable at the level asked.
"""

from __future__ import annotations

import pytest
import yaml

from kg import generations, sparql

from .conftest import DATA, copy_data, kg


def _run(build, *args):
    return kg("query", *args, "--data", DATA, "--build-dir", build)


def test_misspelt_org_stops_with_the_nearest_id(seed_build):
    result = _run(seed_build, "--name", "people-of-organization", "--param", "org=cfhrr")
    assert result.exit_code == 1
    assert "no organization with this id" in result.output
    assert "Did you mean `cfhr`" in result.output
    assert "rows)" not in result.output and "Traceback" not in result.output


def test_misspelt_theme_stops_with_the_nearest_id(seed_build):
    result = _run(seed_build, "--name", "events-on-theme", "--param", "theme=human-traficking")
    assert result.exit_code == 1
    assert "Did you mean `human-trafficking`" in result.output


def test_misspelt_about_suggests_across_kinds(seed_build):
    result = _run(seed_build, "--name", "provenance", "--param", "about=john-colins")
    assert result.exit_code == 1
    assert "no person, organization or event" in result.output
    assert "`john-collins`" in result.output


@pytest.mark.parametrize("value", ["https://kg.example.org/id/org/cfhx", "<https://kg.example.org/id/org/cfhx>"])
def test_a_full_iri_is_checked_too(seed_build, value):
    result = _run(seed_build, "--name", "people-of-organization", "--param", f"org={value}")
    assert result.exit_code == 1
    assert "Did you mean `cfhr`" in result.output


@pytest.mark.parametrize("value", ["cfhr", "https://kg.example.org/id/org/cfhr", "<https://kg.example.org/id/org/cfhr>"])
def test_an_existing_id_still_answers(seed_build, value):
    result = _run(seed_build, "--name", "people-of-organization", "--param", f"org={value}", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) > 1


def test_a_name_instead_of_an_id_is_an_error_too(seed_build):
    result = _run(seed_build, "--name", "people-of-organization", "--param", "org=Centre for Human Rights")
    assert result.exit_code == 1
    assert "no organization with this id" in result.output


def test_an_ad_hoc_query_parameter_is_checked(seed_build):
    result = _run(seed_build, "SELECT ?n WHERE { ?org <https://schema.org/name> ?n }", "--param", "org=cfhrr")
    assert result.exit_code == 1
    assert "Did you mean `cfhr`" in result.output


def test_the_python_api_raises_unknown_id(seed_store):
    query = sparql.named_query("people-of-organization")
    with pytest.raises(sparql.UnknownId, match="Did you mean `cfhr`"):
        sparql.bindings_for(query, {"org": "cfhrr"}, seed_store.base, store=seed_store)
    assert issubclass(sparql.UnknownId, sparql.QueryError)
    bound = sparql.bindings_for(query, {"org": "cfhr"}, seed_store.base, store=seed_store)
    assert str(bound["org"]) == seed_store.base + "org/cfhr"


def test_no_suggestion_names_an_id_above_the_level(tmp_path):
    data = copy_data(tmp_path)
    people = data / "people.yaml"
    doc = yaml.safe_load(people.read_text(encoding="utf-8"))
    next(e for e in doc["people"] if e["id"] == "john-collins")["sensitivity"] = "restricted"
    people.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=10_000), encoding="utf-8")
    build = tmp_path / "build"
    args = ["query", "--name", "provenance", "--param", "about=john-colins", "--data", data, "--build-dir", build]
    public = kg(*args)
    assert public.exit_code == 1
    assert "john-collins" not in public.output
    restricted = kg(*args, "--level", "restricted")
    assert restricted.exit_code == 1
    assert "`john-collins`" in restricted.output
    with generations.open_store(data, build, level="public") as store:
        assert "john-collins" not in sparql.readable_ids(store, store.base + "person/")
