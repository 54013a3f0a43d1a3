"""Setting up a project's AliExpress APIs (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from feedbridge.accounts.services import create_company
from feedbridge.apis import services
from feedbridge.catalog.imports import ImportSpec, add_import
from feedbridge.catalog.runs import run_import
from feedbridge.catalog.sources import Source
from feedbridge.config import Settings
from feedbridge.db.engine import create_engine, create_session_factory
from feedbridge.db.migrate import upgrade
from feedbridge.errors import Conflict, InvalidInput, NotFound
from feedbridge.projects.services import create_project, deactivate_project
from feedbridge.rules.model import Layer
from feedbridge.rules.services import save_rule_set
from feedbridge.rules.validation import parse_rule_set
from support.connections import stored_connection

FEED = "sku,title,price\nA1,Wool jumper,19.99\nB2,Cotton shirt,9.50\n"


@dataclass
class Shop:
    settings: Settings
    sessions: sessionmaker[Session]
    company_id: int
    project_id: int
    connection_id: int

    def call(self, service: Any, *args: Any, **options: Any) -> Any:
        with self.sessions.begin() as session:
            return service(session, self.company_id, *args, **options)

    def create(self, name: str = "AE EN", **options: Any) -> Any:
        options = {"connection_id": self.connection_id, "language": "en", **options}
        return self.call(services.create_api, self.project_id, name, **options)

    def rule_set(self, name: str, layer: Layer = Layer.API) -> int:
        data = parse_rule_set({"name": name, "rules": [{"name": "Nothing", "then": [{"action": "nothing"}]}]})
        return int(self.call(save_rule_set, self.project_id, data, layer=layer).id)


@pytest.fixture
def shop(db_url: str, tmp_path: Path) -> Iterator[Shop]:
    upgrade(db_url)
    engine = create_engine(db_url)
    sessions = create_session_factory(engine)
    with sessions.begin() as session:
        company_id = create_company(session, "Shop", "shop").id
        project_id = create_project(session, company_id, "Catalogue").id
        connection_id = stored_connection(session, company_id).id
    yield Shop(
        Settings(data_dir=tmp_path / "data", database_url=db_url),
        sessions,
        company_id,
        project_id,
        connection_id,
    )
    engine.dispose()


def _import_items(shop: Shop, tmp_path: Path) -> None:
    feed = tmp_path / "feed.csv"
    feed.write_text(FEED)
    with shop.sessions.begin() as session:
        spec = ImportSpec(source=Source.from_file(feed), unique_id_field="sku")
        import_id = add_import(session, shop.company_id, shop.project_id, "main", spec).id
    with shop.sessions.begin() as session:
        assert run_import(session, shop.settings, shop.company_id, import_id).status == "accepted"


def test_create_find_list_edit_and_delete(shop: Shop) -> None:
    api = shop.create(" AE   EN ", language="FR", unique_id_field="sku", settings={"removal": "offline"})
    assert (api.name, api.language, api.unique_id_field, api.is_active) == ("AE EN", "fr", "sku", False)
    assert api.settings == {"removal": "offline"} and api.rule_set_id is None
    shop.create("AE DE", language="de", unique_id_field="sku")
    with pytest.raises(Conflict, match="an API named 'AE EN' already exists"):
        shop.create("AE EN", unique_id_field="sku")

    with shop.sessions() as session:
        found = services.find_api(session, shop.company_id, shop.project_id, "AE  EN")
        assert found.id == api.id and found.settings == {"removal": "offline"}
        listed = services.list_apis(session, shop.company_id, shop.project_id)
        assert [a.name for a in listed] == ["AE DE", "AE EN"]

    with shop.sessions.begin() as session:
        other = stored_connection(session, shop.company_id, "Second shop").id
    edited = shop.call(
        services.edit_api,
        api.id,
        name="AE ES",
        language="es",
        connection_id=other,
        settings={},
        unique_id_field="sku",
    )
    assert (edited.name, edited.language, edited.connection_id, edited.settings) == ("AE ES", "es", other, {})
    with pytest.raises(Conflict, match="already exists"):
        shop.call(services.edit_api, api.id, name="AE DE")

    shop.call(services.delete_api, api.id)
    with pytest.raises(NotFound, match="API 'AE ES' does not exist"):
        shop.call(services.find_api, shop.project_id, "AE ES")


def test_the_unique_id_field_is_recommended_checked_and_fixed(shop: Shop, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="has no items yet"):
        shop.create()
    assert shop.call(services.recommended_unique_id_field, shop.project_id) is None
    _import_items(shop, tmp_path)
    assert shop.call(services.recommended_unique_id_field, shop.project_id) == "sku"

    api = shop.create()
    assert api.unique_id_field == "sku"
    with pytest.raises(InvalidInput, match=r"has no field 'ean'; use one of its fields, e\.g\. 'sku'"):
        shop.create("AE DE", unique_id_field="ean")
    assert shop.create("AE DE", unique_id_field="title").unique_id_field == "title"

    with pytest.raises(Conflict, match=r"unique ID field 'sku' is the SKU code .* cannot change"):
        shop.call(services.edit_api, api.id, unique_id_field="title")
    with shop.sessions() as session:
        assert services.get_api(session, shop.company_id, api.id).unique_id_field == "sku"


def test_bad_language_connection_and_settings_are_refused(shop: Shop) -> None:
    with pytest.raises(InvalidInput, match="'xx' is not an AliExpress main language; use one of: en ru"):
        shop.create(language="xx", unique_id_field="sku")
    with shop.sessions.begin() as session:
        other_company = create_company(session, "Other", "other").id
        foreign = stored_connection(session, other_company).id
    with pytest.raises(NotFound, match=f"connection {foreign} does not exist in this company"):
        shop.create(connection_id=foreign, unique_id_field="sku")
    with pytest.raises(InvalidInput, match="settings: must be a JSON object"):
        shop.create(unique_id_field="sku", settings=["a"])
    assert shop.call(services.list_apis, shop.project_id) == []


def test_rule_sets_must_be_api_rules_of_the_project_and_may_be_shared(shop: Shop) -> None:
    rules = shop.rule_set("AliExpress rules")
    first = shop.create(unique_id_field="sku", rule_set_id=rules)
    second = shop.create("AE DE", unique_id_field="sku")
    assert shop.call(services.set_rule_set, second.id, rules).rule_set_id == rules == first.rule_set_id

    project_rules = shop.rule_set("Shop rules", Layer.PROJECT)
    with pytest.raises(InvalidInput, match="rule set 'Shop rules' is not an API rule set of this project"):
        shop.call(services.set_rule_set, second.id, project_rules)
    with shop.sessions.begin() as session:
        other_project = create_project(session, shop.company_id, "Other").id
    with pytest.raises(InvalidInput, match="not an API rule set of this project"):
        shop.call(services.create_api, other_project, "AE", connection_id=shop.connection_id, language="en",
                  unique_id_field="sku", rule_set_id=rules)  # fmt: skip
    assert shop.call(services.set_rule_set, second.id, None).rule_set_id is None


def test_activation_reports_whether_the_project_is_active(shop: Shop) -> None:
    api = shop.create(unique_id_field="sku")
    activation = shop.call(services.activate_api, api.id)
    assert activation.api.is_active and activation.project_active and activation.runnable

    shop.call(deactivate_project, shop.project_id)
    activation = shop.call(services.activate_api, api.id)
    assert activation.api.is_active and not activation.project_active and not activation.runnable

    activation = shop.call(services.deactivate_api, api.id)
    assert not activation.api.is_active and not activation.runnable
    with shop.sessions() as session:
        assert services.get_api(session, shop.company_id, api.id).is_active is False


def test_apis_are_scoped_by_company(shop: Shop) -> None:
    api = shop.create(unique_id_field="sku")
    with shop.sessions.begin() as session:
        other = create_company(session, "Other", "other").id
    with shop.sessions() as session, pytest.raises(NotFound, match=f"API {api.id} does not exist"):
        services.get_api(session, other, api.id)
