"""Whether a seller may list through the API: the merchant profile's posting flag and registration country."""

from __future__ import annotations

from collections.abc import Sequence

from feedbridge.channels.aliexpress.client import AliExpressClient, AliExpressError
from feedbridge.channels.aliexpress.client.account import MerchantProfile, merchant_profile
from feedbridge.connections.models import Connection, Fault


def eligibility_problem(profile: MerchantProfile, accepted_countries: Sequence[str]) -> str | None:
    """Why this seller cannot list products through the API, or None when it can."""
    if profile.product_posting_forbidden:
        return (
            "AliExpress does not allow this seller account to post products (product_posting_forbidden); "
            "ask AliExpress seller support to lift the restriction, then refresh the connection to check again."
        )
    country = profile.country_code.strip().upper()
    if accepted_countries and country not in accepted_countries:
        return (
            f"the seller is registered in {country}, and only sellers registered in "
            f"{', '.join(accepted_countries)} can list through the AliExpress API. If AliExpress accepts sellers "
            "from this country now, add it to FEEDBRIDGE_ALIEXPRESS_SELLER_COUNTRIES and refresh the connection."
        )
    return None


def check_seller(
    connection: Connection, client: AliExpressClient, access_token: str, accepted_countries: Sequence[str]
) -> None:
    """Read the merchant profile and record the country, shop name and any eligibility fault.

    A profile that cannot be read leaves eligibility unknown: a new connection is marked faulty until a
    refresh reads it; an established one keeps its state and only records the error.
    """
    try:
        profile = merchant_profile(client, access_token)
    except AliExpressError as error:
        connection.last_error = (
            f"the merchant profile could not be read: {error}; refresh the connection to retry."
        )
        if connection.country is None:
            connection.fault = Fault.PROFILE_UNREAD
        return
    connection.country = profile.country_code.strip().upper()
    connection.shop_name = profile.shop_name
    problem = eligibility_problem(profile, accepted_countries)
    connection.fault = Fault.INELIGIBLE if problem else None
    connection.last_error = problem
