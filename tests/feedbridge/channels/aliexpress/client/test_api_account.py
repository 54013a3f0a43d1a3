"""Merchant profile, freight and service templates, product groups (REFERENCE §3.12-§3.14, §3.16)."""

from __future__ import annotations

from feedbridge.channels.aliexpress.client import AliExpressClient
from feedbridge.channels.aliexpress.client.account import (
    freight_templates,
    merchant_profile,
    product_groups,
    service_templates,
)
from support.fixtures import Admin
from support.server import RunningSandbox


def test_merchant_profile(
    sandbox: RunningSandbox, any_client: AliExpressClient, seller_token: str, admin: Admin
) -> None:
    profile = merchant_profile(any_client, seller_token)
    assert profile.country_code == "ES"
    assert profile.product_posting_forbidden is False
    assert profile.shop_id and profile.shop_url == f"//www.aliexpress.com/store/{profile.shop_id}"
    assert profile.shop_name and profile.merchant_login_id

    admin.post(f"/sellers/{sandbox.credentials['seller']['seller_id']}", {"product_posting_forbidden": True})
    assert merchant_profile(any_client, seller_token).product_posting_forbidden is True


def test_freight_templates(any_client: AliExpressClient, seller_token: str) -> None:
    templates = freight_templates(any_client, seller_token)
    assert len(templates) == 3
    assert all(t.template_id > 0 and t.template_name for t in templates)
    assert sum(t.is_default for t in templates) == 1


def test_service_templates_include_the_default(any_client: AliExpressClient, seller_token: str) -> None:
    templates = service_templates(any_client, seller_token)
    assert templates[0].id == 0
    assert len(templates) == 3 and all(t.name for t in templates)


def test_product_groups_form_a_tree(any_client: AliExpressClient, seller_token: str) -> None:
    groups = {g.group_name: g for g in product_groups(any_client, seller_token)}
    assert set(groups) == {"Women", "Men", "Home & Garden", "Sale"}
    assert {c.group_name for c in groups["Women"].children} == {"Dresses", "Tops"}
    assert groups["Sale"].children == []
