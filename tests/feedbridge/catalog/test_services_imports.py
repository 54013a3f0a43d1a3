"""Adding, editing, listing and removing imports: validation and company scoping."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedbridge.accounts.services import create_company
from feedbridge.catalog.errors import ImportNameTaken, ImportNotFound
from feedbridge.catalog.imports import (
    ImportSpec,
    add_import,
    edit_import,
    find_import,
    get_import,
    import_spec,
    list_imports,
)
from feedbridge.catalog.model import FeedFormat, FieldType, ReadOptions
from feedbridge.catalog.models import MergeMode
from feedbridge.catalog.sources import Source
from feedbridge.errors import InvalidInput
from feedbridge.projects.errors import ProjectNotFound

from .conftest import Catalog

FEED = Source.from_file(Path("/srv/feeds/products.csv"))


def _add(catalog: Catalog, name: str = "main", **spec: object) -> int:
    with catalog.sessions.begin() as session:
        return add_import(
            session, catalog.company_id, catalog.project_id, name, ImportSpec(source=FEED, **spec)
        ).id  # type: ignore[arg-type]


def test_add_list_and_find(catalog: Catalog) -> None:
    first = _add(catalog, "  Main   feed ", read_options=ReadOptions(format=FeedFormat.CSV, delimiter="tab"))
    second = _add(
        catalog, "stock", merge_mode=MergeMode.FILL_EMPTY, merge_key="sku", merge_case_sensitive=False
    )
    with catalog.sessions() as session:
        imports = list_imports(session, catalog.company_id, catalog.project_id)
        assert [(i.name, i.position) for i in imports] == [("Main feed", 0), ("stock", 1)]
        assert find_import(session, catalog.company_id, catalog.project_id, "Main feed").id == first
        spec = import_spec(get_import(session, catalog.company_id, second))
    assert (
        spec.merge_mode is MergeMode.FILL_EMPTY and spec.merge_key == "sku" and not spec.merge_case_sensitive
    )
    with catalog.sessions() as session:
        stored = import_spec(get_import(session, catalog.company_id, first))
    assert stored.read_options == ReadOptions(format=FeedFormat.CSV, delimiter="\t")
    assert stored.source == FEED


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"read_options": ReadOptions(delimiter=";;")}, "delimiter"),
        ({"read_options": ReadOptions(encoding="klingon")}, "unknown encoding"),
        ({"read_options": ReadOptions(format=FeedFormat.XML, json_path="data")}, "json feeds only"),
        ({"field_types": {"price": "money"}}, "not a field type"),
        ({"date_formats": {"expires": "%d-%m"}}, "year directive"),
        (
            {"field_types": {"expires": FieldType.NUMBER}, "date_formats": {"expires": "%d-%m-%Y"}},
            "typed number",
        ),
        ({"merge_mode": "replace"}, "not a merge mode"),
        ({"max_drop_share": 1.5}, "between 0 and 1"),
        ({"unique_id_field": "x" * 300}, "field name"),
    ],
)
def test_invalid_settings_are_refused(catalog: Catalog, spec: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        _add(catalog, **spec)
    with catalog.sessions() as session:
        assert list_imports(session, catalog.company_id, catalog.project_id) == []


def test_names_are_unique_per_project(catalog: Catalog) -> None:
    _add(catalog, "main")
    with pytest.raises(ImportNameTaken, match="already exists"):
        _add(catalog, "main")
    with pytest.raises(InvalidInput, match="must not be empty"):
        _add(catalog, "  ")


def test_edit(catalog: Catalog) -> None:
    import_id = _add(catalog, "main")
    with catalog.sessions.begin() as session, pytest.raises(InvalidInput, match="not a setting"):
        edit_import(session, catalog.company_id, import_id, name="renamed", fetch_state={})
    with catalog.sessions() as session:
        assert get_import(session, catalog.company_id, import_id).name == "main"
    with catalog.sessions.begin() as session:
        edit_import(session, catalog.company_id, import_id, name="renamed", unique_id_field="sku")
    with catalog.sessions() as session:
        imp = get_import(session, catalog.company_id, import_id)
        assert imp.name == "renamed" and imp.unique_id_field == "sku"


def test_imports_are_scoped_by_company(catalog: Catalog) -> None:
    import_id = _add(catalog, "main")
    with catalog.sessions.begin() as session:
        other = create_company(session, "Other", "other").id
    with catalog.sessions() as session:
        with pytest.raises(ProjectNotFound):
            get_import(session, other, import_id)
        with pytest.raises(ImportNotFound):
            get_import(session, catalog.company_id, import_id + 100)
