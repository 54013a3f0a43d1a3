"""Several imports per project: the first defines the items, later ones merge by key and mode."""

from __future__ import annotations

from pathlib import Path

from feedbridge.catalog.imports import edit_import, list_imports, remove_import
from feedbridge.catalog.models import MergeMode, RunStatus
from feedbridge.catalog.reports import run_report

from .conftest import Catalog, csv

BASE = csv(
    [
        {"id": "A1", "title": "Shirt", "colour": "red"},
        {"id": "B2", "title": "Shoes", "colour": ""},
        {"id": "C3", "title": "Hat", "colour": "blue"},
    ]
)
EXTRA = csv(
    [
        {"sku": "a1", "title": "Shirt NEW", "colour": "green", "stock": "5"},
        {"sku": "B2", "title": "", "colour": "black", "stock": "0"},
        {"sku": "D4", "title": "Scarf", "colour": "grey", "stock": "7"},
    ]
)


def _two_imports(
    catalog: Catalog, mode: MergeMode, *, case_sensitive: bool = True
) -> dict[str, dict[str, str]]:
    first = catalog.add("base", catalog.write("base.csv", BASE))
    second = catalog.add(
        "extra",
        catalog.write("extra.csv", EXTRA),
        unique_id_field="sku",
        merge_mode=mode,
        merge_case_sensitive=case_sensitive,
    )
    assert catalog.run(first).status == RunStatus.ACCEPTED
    run = catalog.run(second)
    assert run.status == RunStatus.ACCEPTED
    with catalog.sessions() as session:
        report = run_report(session, catalog.company_id, run.id)
    assert report.merge is not None and report.merge["mode"] == mode.value
    return {row["id"]: row for row in catalog.items().to_dicts()}


def test_overwrite_replaces_with_non_empty_values(catalog: Catalog) -> None:
    items = _two_imports(catalog, MergeMode.OVERWRITE)
    assert list(items) == ["A1", "B2", "C3"]  # D4 matches nothing: ignored
    assert items["A1"]["title"] == "Shirt"  # "a1" differs in case: no match when case-sensitive
    assert (
        items["B2"]["title"] == "Shoes" and items["B2"]["colour"] == "black"
    )  # empty values never overwrite
    assert items["B2"]["stock"] == "0" and items["C3"]["stock"] is None  # new field brought by the import


def test_overwrite_case_insensitive(catalog: Catalog) -> None:
    items = _two_imports(catalog, MergeMode.OVERWRITE, case_sensitive=False)
    assert items["A1"]["title"] == "Shirt NEW" and items["A1"]["colour"] == "green"
    assert items["A1"]["id"] == "A1"  # the ID is never changed


def test_fill_empty_only_fills_empty_fields(catalog: Catalog) -> None:
    items = _two_imports(catalog, MergeMode.FILL_EMPTY, case_sensitive=False)
    assert items["A1"]["title"] == "Shirt" and items["A1"]["colour"] == "red"
    assert items["B2"]["colour"] == "black"  # was empty
    assert items["A1"]["stock"] == "5"


def test_add_adds_new_items_only(catalog: Catalog) -> None:
    items = _two_imports(catalog, MergeMode.ADD, case_sensitive=False)
    assert list(items) == ["A1", "B2", "C3", "D4"]
    assert items["D4"]["title"] == "Scarf" and items["A1"]["title"] == "Shirt"


def test_merge_key_other_than_the_import_id(catalog: Catalog) -> None:
    first = catalog.add("base", catalog.write("base.csv", BASE))
    stock = csv([{"row": "1", "ref": "C3", "stock": "9"}])
    second = catalog.add("stock", catalog.write("stock.csv", stock), unique_id_field="row", merge_key="ref")
    catalog.run(first)
    catalog.run(second)
    items = {row["id"]: row for row in catalog.items().to_dicts()}
    assert items["C3"]["stock"] == "9" and items["A1"]["stock"] is None


def test_the_merged_items_follow_import_order_and_removal(catalog: Catalog) -> None:
    items = _two_imports(catalog, MergeMode.ADD)
    assert len(items) == 5  # case-sensitive: "a1" is new too
    with catalog.sessions.begin() as session:
        extra = list_imports(session, catalog.company_id, catalog.project_id)[1]
        snapshot = catalog.current(extra.id)
        assert snapshot is not None
        remove_import(session, catalog.settings, catalog.company_id, extra.id)
        assert Path(snapshot.path).exists()  # files go only once the removal is committed
    assert not Path(snapshot.path).exists()
    assert catalog.items()["id"].to_list() == ["A1", "B2", "C3"]


def test_a_missing_merge_key_is_reported_not_fatal(catalog: Catalog) -> None:
    first = catalog.add("base", catalog.write("base.csv", BASE))
    second = catalog.add("extra", catalog.write("extra.csv", EXTRA), unique_id_field="sku")
    catalog.run(first)
    with catalog.sessions.begin() as session:
        edit_import(session, catalog.company_id, second, merge_key="nope")
    run = catalog.run(second)
    assert run.status == RunStatus.ACCEPTED
    with catalog.sessions() as session:
        problems = run_report(session, catalog.company_id, run.id).merge_problems
    assert problems and "'extra' was not merged" in problems[0] and "nope" in problems[0]
    assert catalog.items()["id"].to_list() == ["A1", "B2", "C3"]
