"""A seller ready to post products through the wire (templates, groups, photobank images) and valid requests.

The home category 200003010 ("Other Home Products") needs Brand Name (2) and Origin (219); its Color SKU
attribute (14) is optional and allows custom names and pictures. Dresses (200003482) require Material (10)
and the SKU attributes Color (14) and Size (5).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from PIL import Image

from support.oauth import authorize_url, login
from support.wire import Gateway, items

HOME = 200003010
DRESSES = 200003482
NOT_LEAF = 15  # Home & Garden
RESTRICTED = 200001620  # under Special Category
BRAND_OEM, ORIGIN_ES = 200010868, 900021901
COLOR, BEIGE, PINK, BLACK = 14, 771, 1052, 900001401
SIZE, SIZE_M, SIZE_L = 5, 200000989, 900000503
MATERIAL, COTTON = 10, 47


def png(width: int = 8, height: int = 8, seed: int = 0, fmt: str = "PNG") -> bytes:
    """A small image whose bytes differ per seed."""
    image = Image.new("RGB", (width, height), ((seed * 37) % 256, (seed * 91) % 256, (seed * 53) % 256))
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


def seller_token(
    gateway: Gateway, http: httpx.Client, credentials: dict[str, Any], seller: dict[str, Any]
) -> str:
    """Authorize the app for another seller (through the login form) and return its access token."""
    app = credentials["app"]
    answer = login(
        http,
        authorize_url(gateway.base_url, app["app_key"], app["redirect_uris"][0]),
        seller["email"],
        seller["password"],
    )
    code = parse_qs(urlsplit(answer.headers["location"]).query)["code"][0]
    return str(gateway.ok("/auth/token/create", {"code": code})["access_token"])


def upload(gateway: Gateway, token: str, data: bytes, name: str = "image.png") -> dict[str, Any]:
    body = gateway.ok(
        "aliexpress.photobank.redefining.uploadimageforsdk",
        {"file_name": name},
        token=token,
        files={"image_bytes": (name, data, "application/octet-stream")},
    )
    result: dict[str, Any] = body["result"]
    return result


@dataclass
class Shop:
    gateway: Gateway
    token: str
    freight_template_id: int
    service_template_id: int
    group_ids: list[int]  # usable groups
    images: list[str] = field(default_factory=list)
    _serial: int = 0

    @classmethod
    def open(cls, gateway: Gateway, token: str, images: int = 3) -> Shop:
        templates = gateway.ok("aliexpress.freight.redefining.listfreighttemplate", token=token)
        promise = gateway.ok(
            "aliexpress.postproduct.redefining.querypromisetemplatebyid", {"template_id": -1}, token=token
        )
        groups = gateway.ok("aliexpress.product.productgroups.get", token=token)["result"]
        usable = []
        for group in items(groups["target_list"]):
            children = items(group.get("child_group_list"))
            usable += [c["group_id"] for c in children] if children else [group["group_id"]]
        shop = cls(
            gateway,
            token,
            items(templates["aeop_freight_template_d_t_o_list"])[0]["template_id"],
            items(promise["result"]["template_list"])[1]["id"],
            usable,
        )
        shop.images = [upload(gateway, token, png(seed=i))["photobank_url"] for i in range(images)]
        return shop

    def sku_code(self) -> str:
        self._serial += 1
        return f"SKU-{self._serial:04d}"

    def sku(self, **overrides: Any) -> dict[str, Any]:
        return {"sku_code": self.sku_code(), "price": "19.99", "inventory": 10, **overrides}

    def post_request(self, **overrides: Any) -> dict[str, Any]:
        """A valid post_product_request in HOME with one SKU."""
        request = {
            "aliexpress_category_id": HOME,
            "language": "es",
            "multi_language_subject_list": [
                {"language": "es", "subject": "Lámpara de mesa"},
                {"language": "en", "subject": "Table lamp"},
            ],
            "multi_language_description_list": [{"language": "es", "web_detail": '{"version":"2.0.0"}'}],
            "main_image_urls_list": self.images[:2],
            "attribute_list": [
                {"aliexpress_attribute_name_id": 2, "aliexpress_attribute_value_id": BRAND_OEM},
                {"aliexpress_attribute_name_id": 219, "aliexpress_attribute_value_id": ORIGIN_ES},
            ],
            "sku_info_list": [self.sku()],
            "weight": "0.5",
            "package_length": 20,
            "package_width": 15,
            "package_height": 10,
            "inventory_deduction_strategy": "payment_success_deduct",
            "freight_template_id": self.freight_template_id,
            "shipping_lead_time": 3,
            "service_policy_id": 0,
            "product_unit": 100000015,
        }
        request.update(overrides)
        return request

    def instance(self, **overrides: Any) -> dict[str, Any]:
        """A valid schema instance in DRESSES with two SKUs."""
        instance = {
            "category_id": DRESSES,
            "locale": "es_ES",
            "title_multi_language_list": [{"locale": "es_ES", "title": "Vestido de verano"}],
            "description_multi_language_list": [
                {"locale": "es_ES", "module_list": [{"type": "html", "html": {"content": "x"}}]}
            ],
            "product_units_type": "100000015",
            "image_url_list": self.images[:1],
            "category_attributes": {
                "Brand Name": {"value": str(BRAND_OEM)},
                "Origin": {"value": str(ORIGIN_ES)},
                "Material": {"value": [str(COTTON), "49"]},
            },
            "sku_info_list": [
                {
                    "sku_code": self.sku_code(),
                    "inventory": 5,
                    "price": 30,
                    "discount_price": 25,
                    "sku_attributes": {
                        "Color": {"value": str(BEIGE), "alias": "Arena", "sku_image_url": self.images[0]},
                        "Size": {"value": str(SIZE_M)},
                    },
                },
                {
                    "sku_code": self.sku_code(),
                    "inventory": 7,
                    "price": 30,
                    "sku_attributes": {"Color": {"value": str(PINK)}, "Size": {"value": str(SIZE_M)}},
                },
            ],
            "inventory_deduction_strategy": "place_order_withhold",
            "package_weight": 0.3,
            "package_length": 30,
            "package_height": 5,
            "package_width": 20,
            "shipping_preparation_time": 2,
            "shipping_template_id": str(self.freight_template_id),
            "service_template_id": "0",
            "product_group_id": str(self.group_ids[0]),
        }
        instance.update(overrides)
        return instance

    def post(self, **overrides: Any) -> int:
        body = self.gateway.ok(
            "aliexpress.solution.product.post",
            {"post_product_request": self.post_request(**overrides)},
            token=self.token,
        )
        return int(body["result"]["product_id"])

    def post_error(self, request: dict[str, Any]) -> dict[str, Any]:
        return self.gateway.error(
            "aliexpress.solution.product.post", {"post_product_request": request}, token=self.token
        )

    def info(self, product_id: int) -> dict[str, Any]:
        body = self.gateway.ok(
            "aliexpress.solution.product.info.get", {"product_id": product_id}, token=self.token
        )
        result: dict[str, Any] = body["result"]
        return result
