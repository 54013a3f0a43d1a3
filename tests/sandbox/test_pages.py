"""The HTML pages a person uses to see what feedbridge sent to a seller."""

from __future__ import annotations

import httpx

from support.products import Shop
from support.server import RunningSandbox
from support.wire import Gateway, items


def test_products_page_shows_products_skus_status_and_prices(
    gateway: Gateway, token: str, http: httpx.Client, sandbox: RunningSandbox
) -> None:
    shop = Shop.open(gateway, token)
    live = shop.post()
    offline = shop.post(multi_language_subject_list=[{"language": "es", "subject": "Silla plegable"}])
    gateway.ok(
        "aliexpress.postproduct.redefining.offlineaeproduct", {"product_ids": str(offline)}, token=token
    )
    seller = sandbox.credentials["seller"]

    index = http.get(sandbox.base_url + "/")
    assert index.status_code == 200 and f"/sellers/{seller['seller_id']}" in index.text

    page = http.get(f"{sandbox.base_url}/sellers/{seller['seller_id']}")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    for product_id in (live, offline):
        sku = items(shop.info(product_id)["aeop_ae_product_s_k_us"])[0]
        assert str(product_id) in page.text and sku["sku_code"] in page.text
    assert "Lámpara de mesa" in page.text and "19.99" in page.text and "auditing" in page.text

    only_offline = http.get(f"{sandbox.base_url}/sellers/{seller['seller_id']}", params={"status": "offline"})
    assert str(offline) in only_offline.text and str(live) not in only_offline.text


def test_unknown_seller_page(http: httpx.Client, sandbox: RunningSandbox) -> None:
    assert http.get(sandbox.base_url + "/sellers/1").status_code == 404
