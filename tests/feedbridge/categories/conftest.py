"""A feed with a category field and tags, and an API on it whose rules split the tags into a list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from feedbridge.categories.services import category_tree
from feedbridge.categories.tree import CategoryTree
from feedbridge.rules.model import Layer
from feedbridge.rules.services import save_rule_set
from feedbridge.rules.validation import parse_rule_set
from support.shop import ConnectedShop

FEED = """\
id,title,product_type,tags,price
A1,Red summer dress,Dresses,"sale, red",25
A2,Blue dress,dresses,blue,30
A3,Running shoes,Shoes,"sale, Red",60
A4,Leather boots,Shoes > Boots,,90
A5,Wool scarf,,"winter, sale, sale",15
"""
API_RULES = {
    "name": "AE rules",
    "rules": [
        {"name": "Tags", "then": [{"action": "split", "field": "tags", "separator": ","}]},
        {"name": "Channel", "then": [{"action": "set", "field": "channel", "value": "aliexpress"}]},
    ],
}
# In the sandbox's tree: a leaf, a category with sub-categories, and leaves the seller may not use.
DRESSES, WOMEN, SNEAKERS, BOOTS = 200003482, 100003109, 200002164, 100001607
ELECTRONIC_CIGARETTES, ALCOHOL, SPECIAL = 200005280, 201345805, 200001075


def api_with_items(
    shop: ConnectedShop, feed: str | Path = FEED, *, rules: dict[str, Any] | None = API_RULES
) -> int:
    """A new project with `feed` imported and an API on it with `rules` as its API rules."""
    project_id = shop.new_project()
    shop.import_feed(project_id, feed)
    options = {}
    if rules is not None:
        options["rule_set_id"] = shop.call(
            save_rule_set, project_id, parse_rule_set(rules), layer=Layer.API
        ).id
    return shop.new_api(project_id, **options)


def tree_of(shop: ConnectedShop) -> CategoryTree:
    return category_tree(shop.sessions, shop.ctx, shop.connection_id)
