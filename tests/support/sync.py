"""Sync test support: a seller of its own per test (its products are private to it), an image server the
runs download from, feeds of lamps and dress groups, an active API set up on them, and the sandbox's
view of the seller's products."""

from __future__ import annotations

import hashlib
import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from feedbridge.apis.services import activate_api, edit_api
from feedbridge.categories.lines import CategoryLine
from feedbridge.categories.services import add_line, category_tree
from feedbridge.connections.oauth import begin_connection, complete_connection
from feedbridge.listings.services import save_build
from feedbridge.listings.spec import parse_build
from feedbridge.sync.models import SyncRun
from feedbridge.sync.runner import run_api
from feedbridge.sync.settings import changed_settings
from support.listings import COOKWARE, WOMEN_DRESSES, small_build
from support.oauth import login
from support.products import png
from support.shop import ConnectedShop

_sellers = itertools.count(1)


@dataclass
class ImageServer:
    """Serves a distinct small PNG for every path; counts requests per path."""

    base_url: str
    requests: dict[str, int] = field(default_factory=dict)


@contextmanager
def image_server() -> Iterator[ImageServer]:
    server_state = ImageServer("")
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with lock:
                server_state.requests[self.path] = server_state.requests.get(self.path, 0) + 1
            if "missing" in self.path:
                self.send_error(404)
                return
            # Paths under /same/ all serve one picture; any other path a picture of its own.
            shown = "/same/" if self.path.startswith("/same/") else self.path
            seed = int(hashlib.sha256(shown.encode()).hexdigest()[:6], 16)
            body = png(seed=seed)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server_state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server_state
    finally:
        server.shutdown()
        server.server_close()


@dataclass(frozen=True)
class Seller:
    seller_id: int
    connection_id: int


def new_seller(shop: ConnectedShop) -> Seller:
    """A new sandbox seller, connected to the shop's company through the OAuth flow."""
    number = next(_sellers)
    email, password = f"seller{number}-{id(shop)}@sandbox.test", "pw-seller"
    created = shop.admin.post("/sellers", {"email": email, "password": password}, expect=201)
    app = shop.sandbox.credentials["app"]
    with shop.sessions.begin() as session:
        url, _ = begin_connection(
            session,
            shop.ctx,
            shop.company_id,
            f"Seller {number}",
            str(app["app_key"]),
            str(app["app_secret"]),
        )
    answer = shop.admin.http.get(url)
    answer = login(shop.admin.http, url, email, password)
    assert answer.status_code == 302, answer.text
    with shop.sessions.begin() as session:
        connection = complete_connection(
            session, shop.ctx, shop.company_id, redirect_url=answer.headers["location"]
        )
        return Seller(int(created["seller_id"]), connection.id)


HEADER = "id,item_group_id,title,description,image_link,additional_image_link,price,sale_price,quantity,brand,color,size,material,product_type,weight"


def lamp(
    item_id: str,
    images: str,
    *,
    price: str = "35,50",
    stock: int = 2,
    title: str | None = None,
    image: str | None = None,
) -> str:
    """A lamp row; its image is `<images>/<item id>.png` unless `image` names a path on the image server."""
    title = title or f"Table lamp {item_id}"
    url = f"{images}{image or f'/{item_id}.png'}"
    return f'{item_id},,{title},<p>Brass</p>,{url},,"{price}",,{stock},Nordvik,,,,Lighting,"1,2 kg"'


def dress_group(
    group: str, images: str, sizes: tuple[str, ...] = ("S", "M"), *, price: str = "20,00"
) -> list[str]:
    return [
        f'{group}-{size},{group},Summer dress {size},<p>Light cotton</p>,{images}/{group}-{size}.png,,"{price}",,5,Acme,Rot,{size},Cotton,Dresses,300 g'
        for size in sizes
    ]


def feed(*rows: str | list[str]) -> str:
    lines = [HEADER]
    for row in rows:
        lines.extend(row if isinstance(row, list) else [row])
    return "\n".join(lines) + "\n"


def ready_api(shop: ConnectedShop, seller: Seller, feed_text: str, **sync: Any) -> tuple[int, int]:
    """(project, API): the feed imported, category lines for lamps and dresses, the build saved, the API
    active with the run settings `sync` (guard rails apply from one listing unless said otherwise)."""
    project = shop.new_project()
    shop.import_feed(project, feed_text)
    api_id = shop.new_api(project, connection_id=seller.connection_id)
    tree = category_tree(shop.sessions, shop.ctx, seller.connection_id)
    with shop.sessions.begin() as session:
        for product_type, category in (("Dresses", WOMEN_DRESSES), ("Lighting", COOKWARE)):
            when = {"all": [{"op": "equals", "field": "product_type", "value": product_type}]}
            add_line(
                session,
                shop.company_id,
                api_id,
                CategoryLine.model_validate({"if": when, "category_id": category}),
                tree=tree,
            )
    build = parse_build(small_build(shop, seller.connection_id))
    save_build(shop.sessions, shop.ctx, shop.company_id, api_id, build)
    with shop.sessions.begin() as session:
        settings = changed_settings({}, {"guard_min_listings": 1, **sync})
        edit_api(session, shop.company_id, api_id, settings=settings)
        activate_api(session, shop.company_id, api_id)
    return project, api_id


def products_of(shop: ConnectedShop, seller: Seller) -> list[dict[str, Any]]:
    """The seller's products as the sandbox has them."""
    return list(shop.admin.get(f"/sellers/{seller.seller_id}/products"))


def by_sku(products: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each SKU code's product."""
    return {sku["sku_code"]: product for product in products for sku in product["skus"]}


def existing_product(
    shop: ConnectedShop,
    seller: Seller,
    sku_code: str,
    *,
    title: str = "Made by hand",
    status: str = "onSelling",
) -> int:
    """A product the seller listed on AliExpress without feedbridge."""
    request = {
        "aliexpress_category_id": COOKWARE,
        "language": "en",
        "multi_language_subject_list": [{"language": "en", "subject": title}],
        "main_image_urls_list": ["https://ae01.alicdn.com/kf/hand.jpg"],
        "attribute_list": [
            {"aliexpress_attribute_name_id": 2, "aliexpress_attribute_value_id": 201512802},
            {"aliexpress_attribute_name_id": 219, "aliexpress_attribute_value_id": 9441741844},
        ],
        "sku_info_list": [{"sku_code": sku_code, "price": "9.99", "inventory": 7}],
        "weight": "1", "package_length": 10, "package_width": 10, "package_height": 10,
        "inventory_deduction_strategy": "payment_success_deduct",
        "freight_template_id": _freight_template(shop, seller), "shipping_lead_time": 3, "service_policy_id": 0,
        "status": status,
    }  # fmt: skip
    created = shop.admin.post(f"/sellers/{seller.seller_id}/products", request, expect=201)
    return int(created["product_id"])


def _freight_template(shop: ConnectedShop, seller: Seller) -> int:
    from feedbridge.listings.services import account_shared

    shared = {spec.key: spec for spec in account_shared(shop.sessions, shop.ctx, seller.connection_id)}
    return int(shared["freight_template"].choices[0].id)


def run_row(shop: ConnectedShop, run_id: int) -> SyncRun:
    with shop.sessions() as session:
        return session.get_one(SyncRun, run_id)


def run_now(shop: ConnectedShop, api_id: int, **options: Any) -> SyncRun:
    """Run the API in this process (sync.runner.run_api) and return its run as it ended."""
    return run_row(shop, run_api(shop.sessions, shop.ctx, shop.company_id, api_id, **options))


def after_review(shop: ConnectedShop) -> None:
    """Let the sandbox's review of new products end (5 s of its time)."""
    shop.admin.post("/clock", {"advance_seconds": 60})


_READS = ("list.get", "info.get", "schema.get", "category", "freight", "promise", "productgroups", "profile")


def write_calls(shop: ConnectedShop, seller: Seller) -> dict[str, int]:
    """The seller's calls per API since the sandbox's count was last reset, reads left out."""
    calls = shop.admin.get("/calls", seller_id=seller.seller_id)
    return {api: n for api, n in calls.items() if not any(word in api for word in (*_READS, "feed.query"))}
