"""Builds as YAML and JSON files: exact round trips and clear errors for files that hold no build."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedbridge.channels.aliexpress.client.categories import LOCALES
from feedbridge.channels.aliexpress.schema import SHARED_KEYS, SHIP_TO_COUNTRIES
from feedbridge.errors import InvalidInput
from feedbridge.listings.files import build_text, dump_build, load_build
from feedbridge.listings.spec import Build, CountryPrice, Rounding, Value, Variants, parse_build
from feedbridge.listings.validation import InvalidBuild
from feedbridge.rules.files import FileFormat
from support.requirements import FULL_BUILD

# Text that YAML would read as something else when written plain: it must come back as the same text.
TRICKY = [
    "null",
    "~",
    "yes",
    "No",
    "on",
    "1.0",
    "0012",
    "1e3",
    "- a",
    "a: b",
    "#x",
    "'q'",
    '"d"',
    "{a}",
    "[1]",
    "é ✓ 🚚",
    " lead",
    "tab\tx",
    "multi\nline",
]
texts = st.one_of(st.sampled_from(TRICKY), st.text(min_size=1, max_size=12)).filter(lambda t: t.strip() != "")
names = st.from_regex(r"[a-z][a-z0-9_ ]{0,10}", fullmatch=True).filter(lambda t: t.strip() == t)
ids = st.from_regex(r"[0-9]{1,10}", fullmatch=True)
FORMULAS = ["{price} * 1.2", "{price} * {rate} + 0.5", "({a} - {b}) / 2", "-{x}", "10"]


@st.composite
def values(draw: st.DrawFn) -> Value:
    source = draw(st.sampled_from(["static", "statics", "field", "template", "formula"]))
    if source == "static":
        value = Value(static=draw(texts))
    elif source == "statics":
        value = Value(static=draw(st.lists(texts, max_size=3)))
    elif source == "field":
        value = Value(field=draw(names))
    elif source == "template":
        value = Value(
            template="{" + draw(names) + "} " + draw(st.text(max_size=5)).replace("{", "").replace("}", "")
        )
    else:
        value = Value(formula=draw(st.sampled_from(FORMULAS)))
    rounding = draw(
        st.one_of(
            st.none(),
            st.builds(Rounding, decimals=st.integers(0, 6)),
            st.builds(
                Rounding,
                ending=st.sampled_from([".99", "9.99", "5", ".5"]),
                direction=st.sampled_from(["up", "down", "nearest"]),
            ),
        )
    )
    unit = draw(st.one_of(st.none(), st.sampled_from(["g", "kg", "lb", "cm", "days"])))
    value_map = draw(st.dictionaries(texts, ids, max_size=3))
    return value.model_copy(update={"round": rounding, "unit": unit, "map": value_map})


@st.composite
def builds(draw: st.DrawFn) -> Build:
    countries = draw(st.lists(st.sampled_from(SHIP_TO_COUNTRIES), unique=True, max_size=3))
    return Build(
        language=draw(st.one_of(st.none(), st.sampled_from(sorted(LOCALES)))),
        shared=draw(st.dictionaries(st.sampled_from(SHARED_KEYS), values(), max_size=4)),
        category=draw(st.dictionaries(st.integers(1, 10**10), values(), max_size=3)),
        variants=Variants(
            group_field=draw(st.one_of(st.none(), names)),
            attributes=draw(st.dictionaries(st.integers(1, 10**10), values(), max_size=2)),
            custom_names=draw(st.booleans()),
        ),
        localized_prices=[
            CountryPrice(
                country=country, price=draw(values()), discount_price=draw(st.one_of(st.none(), values()))
            )
            for country in countries
        ],
    )


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(builds(), st.sampled_from([".yaml", ".yml", ".json"]))
def test_any_build_round_trips_exactly(tmp_path: Path, build: Build, suffix: str) -> None:
    path = tmp_path / f"build{suffix}"
    dump_build(build, path)
    loaded = load_build(path)
    assert loaded == build
    assert build_text(loaded, FileFormat.of(path)) == path.read_text(encoding="utf-8")


def test_the_yaml_is_readable_and_leaves_out_defaults() -> None:
    build = parse_build(
        {
            "shared": {
                "product_unit": {"static": "100000015"},
                "price": {"formula": "{price} * 1.2", "round": {"ending": ".99"}},
            },
            "category": {"10": {"field": "material", "map": {"Baumwolle": "47"}}},
            "variants": {"group_field": "item_group_id", "attributes": {"14": {"field": "colour"}}},
        }
    )
    assert build_text(build) == (
        "shared:\n"
        "  product_unit:\n"
        "    static: '100000015'\n"
        "  price:\n"
        "    formula: '{price} * 1.2'\n"
        "    round:\n"
        "      ending: '.99'\n"
        "category:\n"
        "  '10':\n"
        "    field: material\n"
        "    map:\n"
        "      Baumwolle: '47'\n"
        "variants:\n"
        "  group_field: item_group_id\n"
        "  attributes:\n"
        "    '14':\n"
        "      field: colour\n"
    )


def test_a_full_build_round_trips_in_both_formats(tmp_path: Path) -> None:
    build = parse_build(FULL_BUILD)
    for name in ("build.yaml", "build.json"):
        dump_build(build, tmp_path / name)
        assert load_build(tmp_path / name) == build


def test_an_empty_file_is_an_empty_build(tmp_path: Path) -> None:
    path = tmp_path / "build.yaml"
    path.write_text("", encoding="utf-8")
    assert load_build(path) == Build()


def test_a_list_is_no_build(tmp_path: Path) -> None:
    path = tmp_path / "build.yaml"
    path.write_text("- shared\n", encoding="utf-8")
    with pytest.raises(
        InvalidInput, match=r"must hold a mapping \(as `feedbridge build export` writes\), not a list"
    ):
        load_build(path)


def test_a_wrong_build_names_the_file_and_each_problem(tmp_path: Path) -> None:
    path = tmp_path / "build.yaml"
    path.write_text(
        "shared:\n  title:\n    field: title\n    static: x\n  price:\n    fild: p\n", encoding="utf-8"
    )
    with pytest.raises(InvalidBuild) as raised:
        load_build(path)
    assert str(raised.value).startswith(str(path))
    assert raised.value.problems == [
        "shared › title: give exactly one of 'static', 'field', 'template' and 'formula'",
        "shared › price › fild: unknown key; remove it",
    ]


def test_duplicate_keys_and_bad_syntax_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "build.yaml"
    path.write_text("shared:\n  title:\n    field: a\n  title:\n    field: b\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="title"):
        load_build(path)
    path.write_text("shared: [\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="line"):
        load_build(path)


def test_a_missing_file_or_unwritable_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="does not exist"):
        load_build(tmp_path / "nothing.yaml")
    with pytest.raises(InvalidInput, match="cannot be written"):
        dump_build(Build(), tmp_path / "no" / "such" / "dir" / "build.yaml")
