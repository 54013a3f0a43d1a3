"""AI categorization of an API's items against a connected sandbox seller: suggestions, manual lines
winning, learning from decisions, the threshold, the review list, overview counts, model files."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from feedbridge.accounts.models import Company
from feedbridge.apis.folders import api_folder
from feedbridge.apis.services import edit_api, get_api
from feedbridge.categories import services as category_services
from feedbridge.categories.ai import services
from feedbridge.categories.ai.learning import learn
from feedbridge.categories.ai.settings import changed_ai_settings
from feedbridge.categories.ai.store import categorizer_folder, load_model, read_examples
from feedbridge.categories.assignments import read_assignments
from feedbridge.categories.lines import CategoryLine
from feedbridge.categories.tree import CategoryTree
from feedbridge.errors import NotFound
from feedbridge.rules.model import Group, TextCondition
from support.shop import ConnectedShop

from ..conftest import BOOTS, DRESSES, SNEAKERS, api_with_items, tree_of

FEED = """\
id,title,product_type
D1,Red summer dress for women,Dresses
D2,Blue evening dress,Dresses
D3,Floral maxi dress,Dresses
B1,Leather boots for men,Boots
B2,Winter snow boots,Boots
Z1,Zorblax runner 2000,Runners
Z2,Zorblax runner 3000,Runners
Z3,Zorblax runner 4000,Runners
"""


@pytest.fixture(scope="module")
def tree(connected_shop: ConnectedShop) -> CategoryTree:
    return tree_of(connected_shop)


def suggest(
    shop: ConnectedShop, api_id: int, tree: CategoryTree, **options: object
) -> services.SuggestReport:
    with shop.sessions.begin() as session:
        return services.suggest(
            session, shop.company_id, api_id, shop.settings, tree, shop.sessions, shop.ctx, **options
        )


def assignments(shop: ConnectedShop, api_id: int) -> pl.DataFrame:
    with shop.sessions() as session:
        found = read_assignments(api_folder(shop.settings, get_api(session, shop.company_id, api_id)))
    assert found is not None
    return found.collect()


def best(shop: ConnectedShop, api_id: int) -> dict[str, int]:
    rows = (
        assignments(shop, api_id)
        .sort("confidence", descending=True)
        .group_by("item_id", maintain_order=True)
        .first()
    )
    return dict(zip(rows["item_id"], rows["category_id"], strict=True))


def line(field: str, value: str, category_id: int) -> CategoryLine:
    return CategoryLine(
        when=Group(all=[TextCondition(op="equals", field=field, value=value)]), category_id=category_id
    )


def test_zero_shot_suggestions_wait_for_review_without_a_threshold(
    connected_shop: ConnectedShop, tree: CategoryTree
) -> None:
    shop = connected_shop
    api_id = api_with_items(shop, FEED, rules=None)
    report = suggest(shop, api_id, tree)
    assert (report.items, report.applied, report.waiting) == (8, 0, 8)
    assert (report.asked_platform, report.platform_problem) == (8, None)  # AliExpress's suggestion too
    assert suggest(shop, api_id, tree).asked_platform == 0  # each text is asked about once
    suggested = best(shop, api_id)
    assert "Dresses" in tree.path_text(suggested["D1"], "en") and "Boots" in tree.path_text(
        suggested["B1"], "en"
    )
    assert set(assignments(shop, api_id)["status"]) == {"suggested"}
    overview = shop.call(category_services.overview, api_id, shop.settings)
    assert (overview.by_lines, overview.by_ai, overview.uncategorized) == (0, 0, 8)
    entries = shop.call(services.review, api_id, shop.settings, tree)
    assert [entry.items for entry in entries] == sorted((entry.items for entry in entries), reverse=True)
    assert sum(entry.items for entry in entries) == 8
    assert {(entry.field, entry.value) for entry in entries} >= {
        ("product_type", "Dresses"),
        ("product_type", "Boots"),
    }


def test_manual_lines_win_and_teach_the_model(connected_shop: ConnectedShop, tree: CategoryTree) -> None:
    shop = connected_shop
    api_id = api_with_items(shop, FEED, rules=None)
    suggest(shop, api_id, tree)
    shop.call(category_services.add_line, api_id, line("product_type", "Dresses", DRESSES), tree=tree)
    report = suggest(shop, api_id, tree)
    assert report.items == 5  # the three dresses are the line's
    assert not assignments(shop, api_id)["item_id"].is_in(["D1", "D2", "D3"]).any()
    overview = shop.call(category_services.overview, api_id, shop.settings)
    assert (overview.by_lines, overview.by_ai, overview.uncategorized) == (3, 0, 5)
    with shop.sessions() as session:
        examples = read_examples(categorizer_folder(shop.settings, session.get(Company, shop.company_id)))
    assert {"D1", "D2", "D3"} <= set(examples.filter(pl.col("source") == "line")["item_id"])


def test_a_correction_changes_the_next_suggestions(connected_shop: ConnectedShop, tree: CategoryTree) -> None:
    shop = connected_shop
    api_id = api_with_items(shop, FEED, rules=None)
    suggest(shop, api_id, tree)
    assert best(shop, api_id)["Z2"] != SNEAKERS
    shop.call(services.decide, api_id, shop.settings, ["Z1"], category_id=SNEAKERS, tree=tree)
    suggest(shop, api_id, tree)
    found = best(shop, api_id)
    assert found["Z1"] == found["Z2"] == found["Z3"] == SNEAKERS
    decided = assignments(shop, api_id).filter(pl.col("item_id") == "Z1")
    assert decided.rows() == [("Z1", SNEAKERS, 1.0, "accepted")]  # kept as the merchant's, not re-suggested


def test_a_correction_in_one_api_teaches_the_other_apis_of_the_company(
    connected_shop: ConnectedShop, tree: CategoryTree
) -> None:
    shop = connected_shop
    first, second = api_with_items(shop, FEED, rules=None), api_with_items(shop, FEED, rules=None)
    shop.call(services.decide, first, shop.settings, ["Z1", "Z2"], category_id=BOOTS, tree=tree)
    suggest(shop, second, tree)
    assert best(shop, second)["Z3"] == BOOTS


def test_the_threshold_applies_what_is_confident_and_the_rest_is_reviewed(
    connected_shop: ConnectedShop, tree: CategoryTree
) -> None:
    shop = connected_shop
    api_id = api_with_items(shop, FEED, rules=None)
    with shop.sessions.begin() as session:
        api = get_api(session, shop.company_id, api_id)
        edit_api(
            session, shop.company_id, api_id, settings=changed_ai_settings(api.settings, {"apply_above": 0.3})
        )
    report = suggest(shop, api_id, tree)
    chosen = assignments(shop, api_id).filter(pl.col("status") == "applied")
    assert report.applied == chosen.height > 0 and (chosen["confidence"] >= 0.3).all()
    overview = shop.call(category_services.overview, api_id, shop.settings)
    assert overview.by_ai == report.applied and overview.uncategorized == 8 - report.applied
    reviewed = {
        item for entry in shop.call(services.review, api_id, shop.settings, tree) for item in entry.item_ids
    }
    assert reviewed == {f"{k}" for k in ["D1", "D2", "D3", "B1", "B2", "Z1", "Z2", "Z3"]} - set(
        chosen["item_id"]
    )
    # An explicit threshold above every confidence applies nothing.
    assert suggest(shop, api_id, tree, apply_above=1.0).applied == 0


def test_a_review_entry_becomes_a_manual_line(connected_shop: ConnectedShop, tree: CategoryTree) -> None:
    shop = connected_shop
    api_id = api_with_items(shop, FEED, rules=None)
    suggest(shop, api_id, tree)
    entries = shop.call(services.review, api_id, shop.settings, tree)
    boots = next(entry for entry in entries if entry.value == "Boots")
    position = shop.call(services.review_to_line, api_id, shop.settings, boots, tree)
    lines = shop.call(category_services.list_lines, api_id)
    assert position == len(lines) and lines[-1].category_id == boots.category_id
    left = {
        item for entry in shop.call(services.review, api_id, shop.settings, tree) for item in entry.item_ids
    }
    assert not left & {"B1", "B2"}
    overview = shop.call(category_services.overview, api_id, shop.settings)
    assert overview.by_lines == 2


def test_accepting_a_review_entry(connected_shop: ConnectedShop, tree: CategoryTree) -> None:
    shop = connected_shop
    api_id = api_with_items(shop, FEED, rules=None)
    suggest(shop, api_id, tree)
    entry = shop.call(services.review, api_id, shop.settings, tree)[0]
    assert shop.call(services.decide, api_id, shop.settings, list(entry.item_ids), tree=tree) == entry.items
    overview = shop.call(category_services.overview, api_id, shop.settings)
    assert overview.by_ai == entry.items
    with pytest.raises(NotFound, match="no suggestion for item 'nope'"):
        shop.call(services.decide, api_id, shop.settings, ["nope"], tree=tree)
    with pytest.raises(NotFound, match="has no item 'nope'"):
        shop.call(services.decide, api_id, shop.settings, ["nope"], category_id=BOOTS, tree=tree)


def test_a_stored_model_that_cannot_be_trusted_is_retrained(
    connected_shop: ConnectedShop, tree: CategoryTree
) -> None:
    shop = connected_shop
    api_id = api_with_items(shop, FEED, rules=None)
    shop.call(category_services.add_line, api_id, line("product_type", "Boots", BOOTS), tree=tree)
    suggest(shop, api_id, tree)
    with shop.sessions() as session:
        folder = categorizer_folder(shop.settings, session.get(Company, shop.company_id))
    stored = load_model(folder)
    assert stored is not None and BOOTS in stored.counts.classes
    examples = read_examples(folder)
    meta = json.loads((folder / "model.json").read_text())
    (folder / "model.json").chmod(0o644)
    (folder / "model.json").write_text(
        json.dumps({**meta, "libraries": {**meta["libraries"], "numpy": "0.1"}})
    )
    assert load_model(folder) is None  # another numpy's arrays are not trusted
    learned = learn(folder, examples)
    assert learned.added == examples.height  # learned again from every example
    assert load_model(folder) is not None
    _corrupt(folder / "model.npz")
    assert load_model(folder) is None
    assert learn(folder, examples).added == examples.height
    reloaded = load_model(folder)
    assert reloaded is not None and abs(reloaded.counts.counts - stored.counts.counts).max() < 1e-4


def _corrupt(path: Path) -> None:
    path.chmod(0o644)
    path.write_bytes(b"PK\x03\x04 not a model")


def test_suggestions_go_on_when_aliexpress_cannot_suggest(
    connected_shop: ConnectedShop, tree: CategoryTree
) -> None:
    shop = connected_shop
    api_id = api_with_items(shop, FEED, rules=None)
    failing = {"system_error": 1.0, "apis": ["aliexpress.solution.product.category.suggest"]}
    shop.admin.post("/behaviour", {"faults": failing})
    try:
        report = suggest(shop, api_id, tree)
    finally:
        shop.admin.post("/behaviour", {"faults": {"system_error": 0.0, "apis": None}})
    assert report.asked_platform == 0 and "category suggestion did not answer" in (
        report.platform_problem or ""
    )
    assert report.items == 8 and len(best(shop, api_id)) == 8  # the other signals still suggest
