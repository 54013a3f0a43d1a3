"""Account data: merchant profile, freight (shipping) templates, service (promise) templates, product groups."""

from __future__ import annotations

from typing import Any

from ..call import Call
from ..clock import format_gmt8
from ..registry import api


@api("aliexpress.solution.merchant.profile.get")
def merchant_profile(call: Call) -> dict[str, Any]:
    seller = call.store.one("SELECT * FROM sellers WHERE seller_id = ?", (call.seller_id,))
    assert seller is not None
    return {
        "country_code": seller["country_code"],
        "product_posting_forbidden": bool(seller["posting_forbidden"]),
        "merchant_login_id": seller["user_nick"],
        "shop_id": seller["shop_id"],
        "shop_name": seller["shop_name"],
        "shop_type": seller["shop_type"],
        "shop_url": f"//www.aliexpress.com/store/{seller['shop_id']}",
    }


@api("aliexpress.freight.redefining.listfreighttemplate")
def list_freight_templates(call: Call) -> dict[str, Any]:
    rows = call.store.all(
        "SELECT * FROM freight_templates WHERE seller_id = ? ORDER BY rowid", (call.seller_id,)
    )
    return {
        "result_success": True,
        "aeop_freight_template_d_t_o_list": [
            {"template_id": r["template_id"], "template_name": r["name"], "is_default": bool(r["is_default"])}
            for r in rows
        ],
    }


@api("aliexpress.postproduct.redefining.querypromisetemplatebyid")
def query_promise_templates(call: Call) -> dict[str, Any]:
    template_id = call.params.integer("template_id", required=False)
    rows = call.store.all(
        "SELECT * FROM service_templates WHERE seller_id = ? ORDER BY rowid", (call.seller_id,)
    )
    templates = [{"id": 0, "name": "Default service template"}]
    templates += [{"id": r["template_id"], "name": r["name"]} for r in rows]
    if template_id is not None and template_id != -1:
        templates = [t for t in templates if t["id"] == template_id]
        if not templates:
            return {
                "result": {
                    "template_list": [],
                    "error_code": "",
                    "error_message": f"service template {template_id} does not exist",
                }
            }
    return {"result": {"template_list": templates}}


def _group_tree(call: Call) -> list[dict[str, Any]]:
    rows = call.store.all(
        "SELECT * FROM product_groups WHERE seller_id = ? ORDER BY rowid", (call.seller_id,)
    )
    children: dict[int, list[dict[str, Any]]] = {}
    for r in rows:
        if r["parent_id"] is not None:
            children.setdefault(r["parent_id"], []).append(
                {"group_id": r["group_id"], "group_name": r["name"]}
            )
    tree = []
    for r in rows:
        if r["parent_id"] is None:
            node: dict[str, Any] = {"group_id": r["group_id"], "group_name": r["name"]}
            if r["group_id"] in children:
                node["child_group_list"] = children[r["group_id"]]
            tree.append(node)
    return tree


@api("aliexpress.product.productgroups.get")
def product_groups(call: Call) -> dict[str, Any]:
    return {"result": {"success": True, "target_list": _group_tree(call)}}


@api("aliexpress.postproduct.redefining.getproductgrouplist")
def product_group_list(call: Call) -> dict[str, Any]:
    return {
        "result": {"success": True, "time_stamp": format_gmt8(call.now), "target_list": _group_tree(call)}
    }


def usable_group_ids(store: Any, seller_id: int) -> set[int]:
    """Groups that may hold products: leaf groups, and first-level groups without children."""
    rows = store.all("SELECT group_id, parent_id FROM product_groups WHERE seller_id = ?", (seller_id,))
    parents = {r["parent_id"] for r in rows if r["parent_id"] is not None}
    return {r["group_id"] for r in rows if r["group_id"] not in parents}
