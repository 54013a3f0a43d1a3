from support.wire import Gateway


def test_token_and_profile(gateway: Gateway, token: str) -> None:
    body = gateway.ok("aliexpress.solution.merchant.profile.get", token=token)
    assert body["country_code"] == "ES"
    assert body["product_posting_forbidden"] is False
