"""Which categories a seller may publish in.

The real platform needs extra qualification for some categories; the sandbox models that with one fixed
list, the same for every seller: these categories and everything under them are "not permitted" — hidden
from the tree when `filter_no_permission` is true and rejected on posting.
"""

from __future__ import annotations

from .catalog import path

RESTRICTED: dict[int, str] = {
    200001075: "Special Category",
    201169612: "Virtual Products",
    205965401: "Virtual Goods",
    201520802: "Second-Hand",
    200003045: "Beauty & Health > Sex Products",
    200005280: "Consumer Electronics > Electronic Cigarettes",
    201345805: "Food > Alcoholic Beverages",
}


def is_permitted(seller_id: int, category_id: int) -> bool:
    """False for a restricted category, anything below one, and unknown ids."""
    trail = path(category_id)
    return bool(trail) and not any(c.id in RESTRICTED for c in trail)
