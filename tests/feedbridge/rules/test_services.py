"""Storing a project's rule sets and running them on its current items (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from feedbridge.accounts.services import create_company
from feedbridge.apis.services import create_api
from feedbridge.catalog.imports import ImportSpec, add_import, remove_import
from feedbridge.catalog.items import list_items
from feedbridge.catalog.model import FieldType
from feedbridge.catalog.pipeline import no_import_rules
from feedbridge.catalog.runs import run_import
from feedbridge.catalog.sources import Source
from feedbridge.config import Settings
from feedbridge.db.engine import create_engine, create_session_factory
from feedbridge.db.migrate import upgrade
from feedbridge.errors import Conflict, InvalidInput, NotFound
from feedbridge.projects.services import create_project
from feedbridge.rules import services
from feedbridge.rules.importing import ImportRulesHook, import_rules_hook
from feedbridge.rules.model import Layer, RuleSet
from feedbridge.rules.records import RuleSetRecord
from feedbridge.rules.validation import InvalidRules, parse_rule_set
from support.connections import stored_connection

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
FEED = (
    "id,title,brand,stock,price,colour,sizes\n"
    "A1,Wool jumper,Acme,5,19.99,red,S|M\n"
    "B2,Cotton shirt,,0,9.50,Red,\n"
    "C3,Acme socks,Acme,12,4.00,blue,M\n"
    "D4,Linen trousers,Other,3,39.00,red,\n"
)


@dataclass
class Shop:
    settings: Settings
    sessions: sessionmaker[Session]
    company_id: int
    project_id: int
    import_id: int

    def run(self) -> None:
        with self.sessions.begin() as session:
            run = run_import(session, self.settings, self.company_id, self.import_id)
            assert run.status == "accepted", run.message

    def save(self, data: dict[str, Any], layer: Layer = Layer.PROJECT, **options: Any) -> int:
        with self.sessions.begin() as session:
            record = services.save_rule_set(
                session, self.company_id, self.project_id, parse_rule_set(data), layer=layer, **options
            )
            return record.id

    def call(self, service: Any, *args: Any, **options: Any) -> Any:
        with self.sessions.begin() as session:
            return service(session, self.company_id, *args, **options)


@pytest.fixture
def shop(db_url: str, tmp_path: Path) -> Iterator[Shop]:
    upgrade(db_url)
    engine = create_engine(db_url)
    sessions = create_session_factory(engine)
    feed = tmp_path / "feed.csv"
    feed.write_text(FEED)
    with sessions.begin() as session:
        company_id = create_company(session, "Shop", "shop").id
        project_id = create_project(session, company_id, "Catalogue").id
        spec = ImportSpec(
            source=Source.from_file(feed), unique_id_field="id", field_types={"price": FieldType.NUMBER}
        )
        import_id = add_import(session, company_id, project_id, "main", spec).id
    yield Shop(
        Settings(data_dir=tmp_path / "data", database_url=db_url), sessions, company_id, project_id, import_id
    )
    engine.dispose()


def _rules(name: str, *rules: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "rules": list(rules)}


NO_STOCK = {
    "name": "No stock",
    "if": {"all": [{"op": "at_most", "field": "stock", "value": 0}]},
    "then": [{"action": "exclude"}],
}
UPPER = {"name": "Upper brand", "then": [{"action": "uppercase", "field": "brand"}]}
SPLIT = {"name": "Sizes", "then": [{"action": "split", "field": "sizes", "separator": "|"}]}


def test_save_find_list_rename_and_delete(shop: Shop) -> None:
    shop.run()
    first = shop.save(_rules("Project rules", NO_STOCK))
    api = shop.save(_rules("AliExpress", UPPER), Layer.API)
    assert shop.save(_rules("Project rules", NO_STOCK, UPPER)) == first  # replaced, same record

    with shop.sessions() as session:
        record = services.find_rule_set(session, shop.company_id, shop.project_id, " Project   rules ")
        assert [rule.name for rule in services.rule_set_of(record).rules] == ["No stock", "Upper brand"]
        # Stored by alias and without defaults.
        assert record.definition["rules"][0] == {
            "name": "No stock",
            "if": {"all": [{"op": "at_most", "field": "stock", "value": 0}]},
            "then": [{"action": "exclude"}],
        }
        listed = services.list_rule_sets(session, shop.company_id, shop.project_id)
        assert [(r.name, r.layer) for r in listed] == [("Project rules", "project"), ("AliExpress", "api")]
        assert services.project_rule_set(session, shop.company_id, shop.project_id).id == first  # type: ignore[union-attr]

    renamed = shop.call(services.rename_rule_set, api, "AliExpress EN")
    assert renamed.name == "AliExpress EN" and services.rule_set_of(renamed).name == "AliExpress EN"
    with pytest.raises(Conflict, match="already exists"):
        shop.call(services.rename_rule_set, api, "Project rules")

    shop.call(services.delete_rule_set, api)
    with pytest.raises(NotFound, match="rule set 'AliExpress EN' does not exist"):
        shop.call(services.find_rule_set, shop.project_id, "AliExpress EN")


def test_a_rule_set_an_api_uses_cannot_be_deleted(shop: Shop) -> None:
    rules = shop.save(_rules("AliExpress", UPPER), Layer.API)
    with shop.sessions.begin() as session:
        connection_id = stored_connection(session, shop.company_id).id
        create_api(
            session, shop.company_id, shop.project_id, "AE EN", connection_id=connection_id, language="en",
            unique_id_field="id", rule_set_id=rules,
        )  # fmt: skip
    with pytest.raises(Conflict, match="rule set 'AliExpress' is used by API 'AE EN'"):
        shop.call(services.delete_rule_set, rules)
    with shop.sessions() as session:
        assert services.get_rule_set(session, shop.company_id, rules).name == "AliExpress"


def test_rule_sets_are_scoped_by_company(shop: Shop) -> None:
    record_id = shop.save(_rules("Project rules", UPPER))
    with shop.sessions.begin() as session:
        other = create_company(session, "Other", "other").id
    with shop.sessions() as session, pytest.raises(NotFound):
        services.get_rule_set(session, other, record_id)


def test_saving_validates_against_the_project_fields(shop: Shop) -> None:
    shop.run()
    unknown = {"name": "Cap", "then": [{"action": "max_length", "field": "titel", "length": 10}]}
    with pytest.raises(InvalidRules, match="unknown field 'titel' — did you mean 'title'") as raised:
        shop.save(_rules("Project rules", unknown))
    assert raised.value.problems[0].rule == "Cap"
    # The API layer sees the fields the project rules leave: 'sizes' as a list.
    shop.save(_rules("Project rules", SPLIT))
    joined = {"name": "Join", "then": [{"action": "join", "field": "sizes", "separator": "/"}]}
    shop.save(_rules("AliExpress", joined), Layer.API)
    with pytest.raises(InvalidRules, match="holds text: join works on a list"):
        shop.save(_rules("Project rules", joined))  # in the project layer 'sizes' is text
    with shop.sessions() as session:
        assert session.scalar(
            select(RuleSetRecord.definition).where(RuleSetRecord.name == "Project rules")
        ) == _rules("Project rules", SPLIT)  # a refused save changes nothing


def test_without_items_fields_are_assumed_but_the_rest_is_checked(shop: Shop) -> None:
    lenient = {"name": "Join", "then": [{"action": "join", "field": "anything"}]}
    shop.save(_rules("Import rules", lenient), Layer.IMPORT, import_id=shop.import_id)
    regex = {
        "name": "Look",
        "if": {"all": [{"op": "matches", "field": "x", "pattern": "(a"}]},
        "then": [{"action": "exclude"}],
    }
    with pytest.raises(InvalidRules, match="rule \"Look\", if › condition 1 \\(matches\\): pattern '\\(a'"):
        shop.save(_rules("Project rules", regex))


def test_one_project_rule_set_and_one_per_import(shop: Shop) -> None:
    shop.save(_rules("Project rules", UPPER))
    with pytest.raises(Conflict, match="the project already has project rules in rule set 'Project rules'"):
        shop.save(_rules("Other rules", UPPER))
    with pytest.raises(Conflict, match="rule set 'Project rules' already holds project rules"):
        shop.save(_rules("Project rules", UPPER), Layer.API)
    with pytest.raises(InvalidInput, match="import rules need their import"):
        shop.save(_rules("Import rules", UPPER), Layer.IMPORT)
    with pytest.raises(InvalidInput, match="import rules need their import"):
        shop.save(_rules("API", UPPER), Layer.API, import_id=shop.import_id)

    shop.save(_rules("Import rules", UPPER), Layer.IMPORT, import_id=shop.import_id)
    with pytest.raises(Conflict, match="the import already has import rules in rule set 'Import rules'"):
        shop.save(_rules("More import rules", UPPER), Layer.IMPORT, import_id=shop.import_id)
    with shop.sessions() as session:
        found = services.import_rules_for(session, shop.import_id)
        assert found == RuleSet(name="Import rules", rules=parse_rule_set(_rules("x", UPPER)).rules)
        assert services.import_rule_set(session, shop.company_id, shop.import_id).name == "Import rules"  # type: ignore[union-attr]

    with shop.sessions.begin() as session:  # removing the import removes its rules
        remove_import(session, shop.settings, shop.company_id, shop.import_id)
    with shop.sessions() as session:
        assert [r.name for r in services.list_rule_sets(session, shop.company_id, shop.project_id)] == [
            "Project rules"
        ]
        assert services.import_rules_for(session, shop.import_id) is None


@pytest.mark.parametrize(
    "second",
    [
        {"name": "Other", "layer": "project"},  # a second project rule set
        {"name": "Import", "layer": "import"},  # import rules without their import
        {"name": "API", "layer": "api", "import_id": 1},  # an import on API rules
        {"name": "Odd", "layer": "channel"},
    ],
)
def test_the_database_keeps_the_layers_consistent(shop: Shop, second: dict[str, Any]) -> None:
    shop.save(_rules("Project rules", UPPER))
    with shop.sessions() as session:
        session.add(RuleSetRecord(project_id=shop.project_id, definition={}, **second))
        with pytest.raises(IntegrityError):
            session.flush()


def test_distinct_values_for_fill_from_data(shop: Shop) -> None:
    with pytest.raises(NotFound, match="has no items yet"):
        shop.call(services.distinct_values, shop.project_id, "colour")
    shop.run()
    assert shop.call(services.distinct_values, shop.project_id, "colour") == ["red", "Red", "blue"]
    assert shop.call(services.distinct_values, shop.project_id, "colour", limit=1) == ["red"]
    assert shop.call(services.distinct_values, shop.project_id, "brand") == ["Acme", "Other"]  # no blanks
    with pytest.raises(InvalidInput, match="the items have no field 'color'"):
        shop.call(services.distinct_values, shop.project_id, "color")


def test_statistics_of_the_project_and_api_layers(shop: Shop) -> None:
    shop.run()
    with pytest.raises(NotFound, match="has no project rules"):
        shop.call(services.rule_stats, shop.project_id, now=NOW)
    shop.save(_rules("Project rules", NO_STOCK, UPPER))
    api = shop.save(_rules("AliExpress", {"name": "Red only", "if": {"all": [{"op": "equals", "field": "colour", "value": "red"}]}, "then": [{"action": "nothing"}], "else": [{"action": "exclude"}]}), Layer.API)  # fmt: skip

    (project,) = shop.call(services.rule_stats, shop.project_id, now=NOW)
    assert (project.layer, project.rule_set) == (Layer.PROJECT, "Project rules")
    assert [(s.name, s.selected, s.before, s.after, s.changed) for s in project.stats] == [
        ("No stock", 1, 4, 3, {}),
        ("Upper brand", 3, 3, 3, {"brand": 3}),
    ]
    layers = shop.call(services.rule_stats, shop.project_id, rule_set_id=api, now=NOW)
    assert [layer.layer for layer in layers] == [Layer.PROJECT, Layer.API]
    assert [(s.selected, s.before, s.after) for s in layers[1].stats] == [(2, 3, 2)]  # B2 left already

    imports = shop.save(_rules("Import rules", UPPER), Layer.IMPORT, import_id=shop.import_id)
    with pytest.raises(InvalidInput, match="holds import rules: they run when the import runs"):
        shop.call(services.rule_stats, shop.project_id, rule_set_id=imports)


def test_explain_follows_an_item_through_the_layers(shop: Shop) -> None:
    shop.run()
    shop.save(
        _rules(
            "Project rules",
            NO_STOCK,
            SPLIT,
            {"name": "One per size", "then": [{"action": "split_items", "field": "sizes"}]},
        )
    )
    api = shop.save(_rules("AliExpress", {"name": "Size in title", "then": [{"action": "append", "field": "title", "source": "sizes"}]}), Layer.API)  # fmt: skip

    project, channel = shop.call(services.explain, shop.project_id, "A1", rule_set_id=api, now=NOW)
    assert [step.name for step in project.explanation.steps] == ["No stock", "Sizes", "One per size"]
    assert [row["id"] for row in project.explanation.result] == ["A1-1", "A1-2"]
    assert channel.explanation.item_id == "A1-1"  # the first part, after the split
    (step,) = channel.explanation.steps
    assert step.matched and [(c.field, c.before, c.after) for c in step.changes] == [
        ("title", "Wool jumper", "Wool jumper S")
    ]

    (excluded,) = shop.call(services.explain, shop.project_id, "B2", rule_set_id=api, now=NOW)
    assert excluded.explanation.excluded_by == "No stock" and excluded.layer is Layer.PROJECT
    with pytest.raises(NotFound, match="'Z9'"):
        shop.call(services.explain, shop.project_id, "Z9", now=NOW)


def test_import_rules_run_when_the_import_runs(shop: Shop) -> None:
    shop.save(
        _rules(
            "At import",
            NO_STOCK,
            UPPER,
            SPLIT,
            {"name": "Per size", "then": [{"action": "split_items", "field": "sizes"}]},
        ),
        Layer.IMPORT,
        import_id=shop.import_id,
    )
    with shop.sessions() as session:
        hook = import_rules_hook(session, shop.company_id, shop.import_id)
    assert isinstance(hook, ImportRulesHook)
    with shop.sessions.begin() as session:
        run = run_import(session, shop.settings, shop.company_id, shop.import_id, import_rules=hook)
        assert run.status == "accepted", run.message
        page = list_items(session, shop.company_id, shop.project_id, fields=["brand", "sizes"])
    # B2 had no stock; A1 was split per size; brands are in capitals; the ID field gets the suffixes.
    assert page.items == [
        {"id": "A1-1", "brand": "ACME", "sizes": "S"},
        {"id": "A1-2", "brand": "ACME", "sizes": "M"},
        {"id": "C3", "brand": "ACME", "sizes": "M"},
        {"id": "D4", "brand": "OTHER", "sizes": None},
    ]
    assert [(s.name, s.before, s.after) for s in hook.stats] == [
        ("No stock", 4, 3),
        ("Upper brand", 3, 3),
        ("Sizes", 3, 3),
        ("Per size", 3, 4),
    ]


def test_an_import_without_rules_gets_the_no_op_hook(shop: Shop) -> None:
    with shop.sessions() as session:
        assert import_rules_hook(session, shop.company_id, shop.import_id) is no_import_rules
