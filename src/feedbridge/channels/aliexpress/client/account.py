"""Account data: merchant profile, freight and service templates, product groups (REFERENCE §3.12-§3.14, §3.16)."""

from __future__ import annotations

from pydantic import Field

from .client import AliExpressClient
from .lists import AeList
from .models import AeResponse, result_error
from .spec import ApiSpec

MERCHANT_PROFILE = ApiSpec("aliexpress.solution.merchant.profile.get")
FREIGHT_TEMPLATES = ApiSpec("aliexpress.freight.redefining.listfreighttemplate")
SERVICE_TEMPLATES = ApiSpec("aliexpress.postproduct.redefining.querypromisetemplatebyid")
PRODUCT_GROUPS = ApiSpec("aliexpress.product.productgroups.get")
ALL_SERVICE_TEMPLATES = -1


class MerchantProfile(AeResponse):
    country_code: str  # where the seller is registered
    product_posting_forbidden: bool = False
    merchant_login_id: str | None = None
    shop_id: int | None = None
    shop_name: str | None = None
    shop_type: str | None = None
    shop_url: str | None = None


class FreightTemplate(AeResponse):
    template_id: int
    template_name: str
    is_default: bool = False


class _FreightTemplates(AeResponse):
    result_success: bool = True
    result_error_desc: str | None = None
    templates: AeList[FreightTemplate] = Field(default_factory=list, alias="aeop_freight_template_d_t_o_list")


class ServiceTemplate(AeResponse):
    id: int
    name: str


class _ServiceTemplates(AeResponse):
    template_list: AeList[ServiceTemplate] = Field(default_factory=list)
    error_code: str | None = None
    error_message: str | None = None


class ProductGroup(AeResponse):
    group_id: int
    group_name: str
    children: AeList[ProductGroup] = Field(default_factory=list, alias="child_group_list")


class _ProductGroups(AeResponse):
    success: bool = True
    target_list: AeList[ProductGroup] = Field(default_factory=list)


def merchant_profile(client: AliExpressClient, token: str) -> MerchantProfile:
    return MerchantProfile.model_validate(client.call(MERCHANT_PROFILE, token=token))


def freight_templates(client: AliExpressClient, token: str) -> list[FreightTemplate]:
    answer = _FreightTemplates.model_validate(client.call(FREIGHT_TEMPLATES, token=token))
    if not answer.result_success:
        raise result_error(FREIGHT_TEMPLATES.name, None, answer.result_error_desc, "no freight templates")
    return answer.templates


def service_templates(client: AliExpressClient, token: str) -> list[ServiceTemplate]:
    """All service (promise) templates, including the default `0`."""
    body = client.call(SERVICE_TEMPLATES, {"template_id": ALL_SERVICE_TEMPLATES}, token=token)
    answer = _ServiceTemplates.model_validate(body.get("result") or {})
    # Doc samples carry dummy error codes next to real lists: only an empty list with an error is a failure.
    if not answer.template_list and (answer.error_code or answer.error_message):
        raise result_error(SERVICE_TEMPLATES.name, answer.error_code, answer.error_message, "")
    return answer.template_list


def product_groups(client: AliExpressClient, token: str) -> list[ProductGroup]:
    """The seller's product group tree (first-level groups with their children)."""
    answer = _ProductGroups.model_validate(client.call(PRODUCT_GROUPS, token=token).get("result") or {})
    if not answer.success:
        raise result_error(PRODUCT_GROUPS.name, None, None, "the product groups could not be read")
    return answer.target_list
