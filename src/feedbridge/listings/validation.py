"""Checking a build when it is saved: every problem at once, each naming the attribute and how to fix it.

What can be known without the items' values is checked here: attribute keys, fields the items have,
what each kind of attribute accepts (formulas and units for numbers, value maps for attributes with
allowed values), static values (picked by id or by name; a name becomes its id), localized-price
countries. What depends on each item's values is for the quality checks.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
from pydantic import ValidationError

from feedbridge.catalog.model import FieldType
from feedbridge.catalog.parsing import parse_number
from feedbridge.errors import InvalidInput
from feedbridge.listings.requirements import AttributeSpec, Choice, Kind
from feedbridge.listings.spec import Build, CountryPrice, Value, build_data, parse_build
from feedbridge.listings.units import units_for
from feedbridge.listings.valuemaps import normalised_text, spellings
from feedbridge.listings.values import LIST_SEPARATOR


class InvalidBuild(InvalidInput):
    def __init__(self, problems: Sequence[str], source: str = "build") -> None:
        listed = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(source, f"{len(problems)} problem(s):\n{listed}")
        self.problems = list(problems)


def build_from_data(data: object, *, source: str = "build") -> Build:
    """A Build from stored, imported or typed data; InvalidBuild naming each wrong part."""
    try:
        return parse_build(data)
    except ValidationError as error:
        raise InvalidBuild([_pydantic_problem(e) for e in error.errors()], source) from None


def _pydantic_problem(error: object) -> str:
    details = dict(error)  # type: ignore[call-overload]
    where = " › ".join(str(part) for part in details["loc"]) or "build"
    message = str(details["msg"]).removeprefix("Value error, ")
    if details["type"] == "extra_forbidden":
        message = "unknown key; remove it"
    return f"{where}: {message}"


@dataclass(frozen=True)
class Known:
    """What an attribute accepts, as far as it is known when the build is saved."""

    kind: Kind
    choices: tuple[Choice, ...] = ()
    unit: str | None = None


def checked_build(
    build: Build,
    shared: Sequence[AttributeSpec],
    *,
    fields: Mapping[str, FieldType] | None,
    countries: Sequence[str],
    languages: Sequence[str],
    category: Mapping[int, Known] | None = None,
    variants: Mapping[int, Known] | None = None,
    source: str = "build",
) -> Build:
    """The build with static values and value-map targets given by name replaced by their ids;
    InvalidBuild listing every problem. `fields` are the items' fields (None before the first import:
    not checked); `category` and `variants` say what the category and variant attributes of the
    categories in use accept (None: unknown yet, so checked as attributes with allowed values)."""
    problems: list[str] = []
    specs = {spec.key: spec for spec in shared}
    data = build_data(build)
    if build.language is not None and build.language not in languages:
        problems.append(
            f"language: {build.language!r} is not an AliExpress main language ({' '.join(languages)})"
        )
    for key, value in build.shared.items():
        spec = specs.get(key)
        if spec is None:
            problems.append(f"shared › {key}: unknown attribute{_close(key, list(specs))}")
            continue
        known = Known(spec.kind, spec.choices, spec.unit)
        problems += _checked_value(value, known, fields, f"shared › {key}", data["shared"][key])
    for section, configured, found in (
        ("category", build.category, category),
        ("variants › attributes", build.variants.attributes, variants),
    ):
        for attribute_id, value in configured.items():
            stored = data["category"] if section == "category" else data["variants"]["attributes"]
            # An attribute of no category in use yet is kept for the categories that will have it.
            unknown = Known(Kind.CHOICES if isinstance(value.static, list) else Kind.CHOICE)
            known = (found or {}).get(attribute_id, unknown)
            problems += _checked_value(
                value, known, fields, f"{section} › {attribute_id}", stored[str(attribute_id)]
            )
    group_field = build.variants.group_field
    if group_field is not None and fields is not None and group_field not in fields:
        problems.append(
            f"variants › group_field: the items have no field {group_field!r}{_close(group_field, fields)}"
        )
    for index, price in enumerate(build.localized_prices, 1):
        problems += _country_problems(price, index, countries, fields)
    if problems:
        raise InvalidBuild(problems, source)
    return parse_build(data)


def _checked_value(
    value: Value, known: Known, fields: Mapping[str, FieldType] | None, where: str, stored: dict[str, Any]
) -> list[str]:
    """The value's problems; static values and map targets given by name become ids in `stored`."""
    problems = _value_problems(value, known.kind, known.unit, fields, where)
    if not (known.kind.chosen and known.choices):
        return problems
    shown = _shown(known.choices)
    if value.static is not None:
        several = known.kind is Kind.CHOICES
        ids, wrong = _static_ids(value.static, known.choices, several=several)
        problems += [f"{where}: {w!r} is not one of the allowed values ({shown})" for w in wrong]
        stored["static"] = ids if several else (ids[0] if ids else value.static)
    for merchant, target in value.map.items():
        ids, wrong = _static_ids(target, known.choices)
        problems += [
            f"{where} › map › {merchant!r}: {w!r} is not one of the allowed values ({shown})" for w in wrong
        ]
        stored["map"][merchant] = (ids or [target])[0]
    return problems


def _value_problems(
    value: Value, kind: Kind, unit: str | None, fields: Mapping[str, FieldType] | None, where: str
) -> list[str]:
    problems = [f"{where}: {p}" for p in _field_problems(value.fields, fields)]
    if value.formula is not None and not kind.numeric:
        problems.append(
            f"{where}: a formula gives a number; this attribute is {kind.value}, use field or template"
        )
    if value.round is not None and not kind.numeric:
        problems.append(f"{where}: only numbers are rounded; remove 'round'")
    if value.map and not kind.chosen:
        problems.append(f"{where}: only attributes with allowed values take a value map; remove 'map'")
    if value.unit is not None:
        if value.formula is not None:
            problems.append(f"{where}: a formula reads numbers without units; remove 'unit'")
        elif unit is None:
            problems.append(f"{where}: this attribute has no unit; remove 'unit'")
        elif value.unit.lower() not in units_for(unit):
            problems.append(
                f"{where}: unit {value.unit!r} does not convert to {unit} (use one of {', '.join(units_for(unit))})"
            )
    if kind.numeric and isinstance(value.static, str) and parse_number_text(value.static) is None:
        problems.append(f"{where}: static value {value.static!r} is not a number")
    if isinstance(value.static, list) and kind is not Kind.CHOICES:
        problems.append(f"{where}: this attribute takes one value, not a list")
    return problems


def parse_number_text(text: str) -> float | None:
    found = pl.select(parse_number(pl.lit(text.strip()))).item()
    return None if found is None else float(found)


def _field_problems(names: Iterable[str], fields: Mapping[str, FieldType] | None) -> list[str]:
    if fields is None:
        return []
    return [f"the items have no field {name!r}{_close(name, fields)}" for name in names if name not in fields]


def _country_problems(
    price: CountryPrice, index: int, countries: Sequence[str], fields: Mapping[str, FieldType] | None
) -> list[str]:
    where = f"localized_prices › {index} ({price.country})"
    problems = []
    if price.country not in countries:
        problems.append(f"{where}: AliExpress takes localized prices for {' '.join(countries)} only")
    problems += _value_problems(price.price, Kind.NUMBER, None, fields, f"{where} › price")
    if price.discount_price is not None:
        problems += _value_problems(
            price.discount_price, Kind.NUMBER, None, fields, f"{where} › discount_price"
        )
    return problems


def _static_ids(
    static: str | list[str], choices: Sequence[Choice], *, several: bool = False
) -> tuple[list[str], list[str]]:
    """The ids of the static value(s), given by id or by name (any language, normalised, or one of the
    words the build matches, as `valuemaps.spellings`); and the values that are neither. With `several`,
    a text holds values separated by commas, as the build reads it."""
    by_id = {choice.id for choice in choices}
    by_name = spellings(choices)
    given = [static] if isinstance(static, str) else static
    if several:
        given = [part.strip() for text in given for part in text.split(LIST_SEPARATOR) if part.strip()]
    ids, wrong = [], []
    for value in given:
        found = value if value in by_id else by_name.get(normalised_text(value))
        if found is None:
            wrong.append(value)
        else:
            ids.append(found)
    return ids, wrong


def _shown(choices: Sequence[Choice]) -> str:
    names = [f"{choice.id} {choice.name()}" for choice in choices[:8]]
    more = f", … {len(choices) - 8} more" if len(choices) > 8 else ""
    return ", ".join(names) + more if names else "none: check your AliExpress account"


def _close(given: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(given, list(known), n=1)
    return f" — did you mean {close[0]!r}?" if close else ""
