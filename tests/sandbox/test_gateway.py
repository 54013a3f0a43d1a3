"""The gateway's protocol: endpoints, parameter merging, signing methods, timestamps, envelopes and errors."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import httpx

from support.server import RunningSandbox
from support.wire import Gateway, sign

PROFILE = "aliexpress.solution.merchant.profile.get"


def test_success_is_wrapped_with_request_id(gateway: Gateway, token: str) -> None:
    response = gateway.call(PROFILE, token=token)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["aliexpress_solution_merchant_profile_get_response"]
    inner = body["aliexpress_solution_merchant_profile_get_response"]
    assert inner["request_id"] and inner["shop_url"].startswith("//www.aliexpress.com/store/")


def test_simplify_true_drops_the_wrappers(gateway: Gateway, token: str) -> None:
    wrapped = gateway.ok("aliexpress.freight.redefining.listfreighttemplate", token=token)
    templates = wrapped["aeop_freight_template_d_t_o_list"]["aeopfreighttemplatedtolist"]
    simple = gateway.call(
        "aliexpress.freight.redefining.listfreighttemplate", token=token, simplify=True
    ).json()
    assert simple["result_success"] is True
    assert simple["aeop_freight_template_d_t_o_list"] == templates
    assert len(templates) >= 2 and all(isinstance(t["template_id"], int) for t in templates)


def test_access_token_parameter_name_is_accepted(gateway: Gateway, token: str) -> None:
    assert gateway.ok(PROFILE, token=token, token_param="access_token")["country_code"] == "ES"


def test_md5_and_hmac_signatures_are_accepted(gateway: Gateway, token: str) -> None:
    for method in ("md5", "hmac"):
        assert gateway.ok(PROFILE, token=token, sign_method=method)["country_code"] == "ES"


def test_iso_timestamp_is_accepted(gateway: Gateway, token: str) -> None:
    iso = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert gateway.ok(PROFILE, token=token, timestamp=iso)["country_code"] == "ES"


def _signed(gateway: Gateway, api: str, token: str, **extra: str) -> dict[str, str]:
    values = {
        "app_key": gateway.app_key,
        "timestamp": str(int(time.time() * 1000)),
        "sign_method": "sha256",
        "method": api,
        "session": token,
        **extra,
    }
    values["sign"] = sign(values, gateway.app_secret, api_path=api)
    return values


def test_get_with_query_string(gateway: Gateway, http: httpx.Client, token: str) -> None:
    response = http.get(gateway.base_url + "/sync", params=_signed(gateway, PROFILE, token))
    assert response.json()["aliexpress_solution_merchant_profile_get_response"]["country_code"] == "ES"


def test_query_and_body_are_merged(gateway: Gateway, http: httpx.Client, token: str) -> None:
    values = _signed(gateway, PROFILE, token)
    query = {k: values.pop(k) for k in ("app_key", "timestamp", "sign_method", "sign")}
    response = http.post(gateway.base_url + "/sync", params=query, data=values)
    assert "aliexpress_solution_merchant_profile_get_response" in response.json()


def test_multipart_body(gateway: Gateway, http: httpx.Client, token: str) -> None:
    values = _signed(gateway, PROFILE, token)
    response = http.post(gateway.base_url + "/sync", files={k: (None, v) for k, v in values.items()})
    assert "aliexpress_solution_merchant_profile_get_response" in response.json()


def test_unknown_app_key(gateway: Gateway, token: str) -> None:
    error = gateway.error(PROFILE, token=token, app_key="999999")
    assert error["code"] == "InvalidAppKey" and error["type"] == "ISV"
    assert error["msg"] == "The specified App Key is invalid" and error["request_id"]


def test_rest_errors_are_flat_with_message(gateway: Gateway) -> None:
    response = gateway.call("/auth/token/create", {"code": "x"}, app_key="999999")
    body = response.json()
    assert response.status_code == 200
    assert body["code"] == "InvalidAppKey" and body["message"] == "The specified App Key is invalid"
    assert body["type"] == "ISV" and "error_response" not in body


def test_bad_signature(gateway: Gateway, token: str) -> None:
    error = gateway.error(PROFILE, token=token, secret="not-the-secret")
    assert error["code"] == "IncompleteSignature"
    assert error["msg"] == "The request signature does not conform to platform standards"


def test_missing_signature_and_unknown_sign_method(gateway: Gateway, http: httpx.Client, token: str) -> None:
    values = _signed(gateway, PROFILE, token)
    del values["sign"]
    body = http.post(gateway.base_url + "/sync", data=values).json()
    assert body["error_response"]["code"] == "IncompleteSignature"
    values = _signed(gateway, PROFILE, token, sign_method="sha1")
    body = http.post(gateway.base_url + "/sync", data=values).json()
    assert body["error_response"]["code"] == "IncompleteSignature"


def test_path_prefix_is_part_of_the_system_signature(gateway: Gateway, http: httpx.Client) -> None:
    values = {
        "app_key": gateway.app_key,
        "timestamp": str(int(time.time() * 1000)),
        "sign_method": "sha256",
        "code": "3_x_y",
    }
    values["sign"] = sign(values, gateway.app_secret)  # signed without the "/auth/token/create" prefix
    body = http.post(gateway.base_url + "/rest/auth/token/create", data=values).json()
    assert body["code"] == "IncompleteSignature"


def test_timestamps(gateway: Gateway, token: str) -> None:
    stale = str(int((time.time() - 7300) * 1000))
    assert gateway.error(PROFILE, token=token, timestamp=stale)["code"] == "InvalidTimestamp"
    assert gateway.error(PROFILE, token=token, timestamp="yesterday")["code"] == "InvalidTimestamp"
    assert gateway.error(PROFILE, token=token, timestamp="")["code"] == "MissingParameter"


def test_unknown_api(gateway: Gateway, token: str) -> None:
    assert gateway.error("aliexpress.solution.no.such.api", token=token)["code"] == "InvalidApiPath"
    body = gateway.call("/auth/no/such/path", {}).json()
    assert body["code"] == "InvalidApiPath" and body["message"] == "The specified API Path is invalid"


def test_missing_method(gateway: Gateway, http: httpx.Client) -> None:
    values = {"app_key": gateway.app_key, "timestamp": str(int(time.time() * 1000)), "sign_method": "sha256"}
    values["sign"] = sign(values, gateway.app_secret)
    body = http.post(gateway.base_url + "/sync", data=values).json()
    assert body["error_response"]["code"] == "MissingParameter"
    assert "method" in body["error_response"]["msg"]


def test_tokens_missing_unknown_and_foreign(
    gateway: Gateway, token: str, sandbox: RunningSandbox, http: httpx.Client
) -> None:
    assert gateway.error(PROFILE)["code"] == "MissingParameter"
    error = gateway.error(PROFILE, token="50000nonsense")
    assert error["code"] == "IllegalAccessToken"
    assert error["msg"] == "The specified access token is invalid or expired"
    other = http.post(sandbox.base_url + "/_admin/apps", json={"name": "other"}).json()
    foreign = Gateway(http, sandbox.base_url, other["app_key"], other["app_secret"])
    assert foreign.error(PROFILE, token=token)["code"] == "IllegalAccessToken"


def test_expired_token(gateway: Gateway, token: str, http: httpx.Client, sandbox: RunningSandbox) -> None:
    assert gateway.ok(PROFILE, token=token)["country_code"] == "ES"
    http.post(sandbox.base_url + "/_admin/clock", json={"advance_seconds": 30 * 86400 + 1})
    # Requests stamped with the real time and with the moved sandbox time are both accepted by the gateway.
    moved = str(int(time.time() * 1000) + (30 * 86400 + 1) * 1000)
    assert gateway.error(PROFILE, token=token)["code"] == "IllegalAccessToken"
    assert gateway.error(PROFILE, token=token, timestamp=moved)["code"] == "IllegalAccessToken"


def test_missing_and_invalid_business_parameters(gateway: Gateway, token: str) -> None:
    api = "aliexpress.postproduct.redefining.querypromisetemplatebyid"
    error = gateway.error(api, {"template_id": "abc"}, token=token)
    assert error["code"] == "InvalidParameter" and "template_id" in error["msg"]
    assert gateway.error("/auth/token/create", {})["code"] == "MissingParameter"


def test_python_sdk_style_system_call_on_rest_and_sync(gateway: Gateway, token_json: dict) -> None:
    """S-PY posts `method=/auth/token/refresh` to /rest (or /sync) and still prefixes the path when signing."""
    body = gateway.ok("/auth/token/refresh", {"refresh_token": token_json["refresh_token"]}, path_style=False)
    assert body["access_token"] != token_json["access_token"]


def test_quirk_delivers_one_element_lists_as_objects(
    gateway: Gateway, token: str, http: httpx.Client, sandbox: RunningSandbox
) -> None:
    api = "aliexpress.postproduct.redefining.querypromisetemplatebyid"
    normal = gateway.ok(api, {"template_id": 0}, token=token)["result"]["template_list"]
    assert normal == {"templatelist": [{"id": 0, "name": "Default service template"}]}
    http.post(
        sandbox.base_url + "/_admin/behaviour", json={"quirks": {"single_element_lists_as_objects": True}}
    )
    quirky = gateway.ok(api, {"template_id": 0}, token=token)["result"]["template_list"]
    assert quirky == {"templatelist": {"id": 0, "name": "Default service template"}}


def test_unreadable_multipart_body_is_a_clear_error(gateway: Gateway, http: httpx.Client, token: str) -> None:
    values = _signed(gateway, PROFILE, token)
    fields = {k: (None, v) for k, v in values.items()}
    fields["padding"] = (None, "x" * (9 * 1024 * 1024))  # a form field (not a file) over the 8 MiB part limit
    response = http.post(gateway.base_url + "/sync", files=fields)
    error = response.json()["error_response"]
    assert response.status_code == 200
    assert error["code"] == "InvalidParameter" and "multipart" in error["msg"]
