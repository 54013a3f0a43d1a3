"""Reading answers: every envelope shape of REFERENCE §1.6, each error class with the platform's identifiers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
import pytest
from pydantic import BaseModel

from feedbridge.channels.aliexpress.client import (
    AliExpressClient,
    AliExpressError,
    ApiSpec,
    AuthError,
    InvalidRequest,
    PlatformError,
    RateLimited,
    RefreshTokenExpired,
    TokenExpired,
    TransportError,
)
from feedbridge.channels.aliexpress.client.envelope import DAILY_QUOTA_BAN_SECONDS, read
from feedbridge.channels.aliexpress.client.lists import AeList
from feedbridge.channels.aliexpress.client.transport import RawResponse
from support.fixtures import Admin

INFO = ApiSpec("aliexpress.solution.product.info.get")
REFRESH = ApiSpec("/auth/token/refresh", needs_token=False)


def _answer(body: Any, status: int = 200) -> RawResponse:
    return RawResponse(status, orjson.dumps(body))


def test_wrapped_success_returns_the_inside_of_the_wrapper() -> None:
    body = {
        "aliexpress_solution_product_info_get_response": {"result": {"product_id": 7}, "request_id": "r1"}
    }
    assert read(INFO, _answer(body)) == {"result": {"product_id": 7}, "request_id": "r1"}


def test_simplified_success_is_the_body_itself() -> None:
    body = {"result": {"product_id": 7}, "request_id": "r1"}
    assert read(INFO, _answer(body)) == body


def test_flat_gop_success() -> None:
    body = {"access_token": "a", "refresh_token": "b", "code": "0", "request_id": "r1"}
    assert read(REFRESH, _answer(body)) == body


def _top_error(**fields: str) -> dict[str, Any]:
    return {"error_response": {"request_id": "req-9", "_trace_id_": "t", **fields}}


ERRORS: list[tuple[str, Any, type[AliExpressError], str | None, str | None, str]] = [
    (
        "business",
        _top_error(
            type="ISV", code="15", msg="Remote service error", sub_code="090014", sub_msg="no product"
        ),
        InvalidRequest,
        "15",
        "090014",
        "no product",
    ),
    (
        "legacy numeric",
        _top_error(
            code="50", msg="Remote service error", sub_code="isv.invalid-parameter", sub_msg="非法参数"
        ),
        InvalidRequest,
        "50",
        "isv.invalid-parameter",
        "非法参数",
    ),
    (
        "isp",
        _top_error(type="ISP", code="15", msg="Remote service error", sub_code="isp.remote-service-error"),
        PlatformError,
        "15",
        "isp.remote-service-error",
        "Remote service error",
    ),
    (
        "system",
        _top_error(type="SYSTEM", code="SystemError", msg="down"),
        PlatformError,
        "SystemError",
        None,
        "down",
    ),
    (
        "signature",
        _top_error(type="ISV", code="IncompleteSignature", msg="bad sign"),
        AuthError,
        "IncompleteSignature",
        None,
        "bad sign",
    ),
    (
        "access token",
        _top_error(type="ISV", code="IllegalAccessToken", msg="expired"),
        TokenExpired,
        "IllegalAccessToken",
        None,
        "expired",
    ),
    (
        "nested in the wrapper",
        {
            "aliexpress_solution_product_info_get_response": _top_error(
                code="IllegalAccessToken", msg="expired"
            )
        },
        TokenExpired,
        "IllegalAccessToken",
        None,
        "expired",
    ),
    (
        "flat gop",
        {"type": "ISV", "code": "IllegalRefreshToken", "message": "refresh expired", "request_id": "req-9"},
        RefreshTokenExpired,
        "IllegalRefreshToken",
        None,
        "refresh expired",
    ),
]


@pytest.mark.parametrize(
    ("case", "body", "kind", "code", "sub_code", "message"), ERRORS, ids=[e[0] for e in ERRORS]
)
def test_errors_carry_the_platforms_identifiers(
    case: str,
    body: Any,
    kind: type[AliExpressError],
    code: str | None,
    sub_code: str | None,
    message: str,
) -> None:
    with pytest.raises(kind) as raised:
        read(INFO, _answer(body))
    error = raised.value
    assert (error.api, error.code, error.sub_code, error.request_id, error.message) == (
        INFO.name,
        code,
        sub_code,
        "req-9",
        message,
    )
    assert "req-9" in str(error) and INFO.name in str(error)


def test_api_call_limit_names_its_ban() -> None:
    msg = "Api access frequency exceeds the limit. this ban will last 5 seconds"
    with pytest.raises(RateLimited) as raised:
        read(INFO, _answer(_top_error(type="ISV", code="ApiCallLimit", msg=msg)))
    assert raised.value.ban_seconds == 5 and raised.value.request_id == "req-9"


def test_daily_quota_bans_for_a_long_while() -> None:
    with pytest.raises(RateLimited) as raised:
        read(INFO, _answer(_top_error(code="AppCallLimit", msg="quota used up")))
    assert raised.value.ban_seconds == DAILY_QUOTA_BAN_SECONDS


@pytest.mark.parametrize(
    ("status", "kind"), [(502, PlatformError), (503, PlatformError), (404, InvalidRequest)]
)
def test_http_errors(status: int, kind: type[AliExpressError]) -> None:
    with pytest.raises(kind) as raised:
        read(INFO, RawResponse(status, b"Bad Gateway"))
    assert raised.value.code == str(status) and raised.value.api == INFO.name


@pytest.mark.parametrize("body", [b"<html>busy</html>", b"", b"[1, 2]"])
def test_unreadable_answers_are_transport_errors_that_reached_the_platform(body: bytes) -> None:
    with pytest.raises(TransportError) as raised:
        read(INFO, RawResponse(200, body))
    assert raised.value.sent and raised.value.api == INFO.name


class _Template(BaseModel):
    id: int
    name: str


class _TemplateResult(BaseModel):
    template_list: AeList[_Template]


def test_one_element_lists_read_the_same_with_the_quirk_on(
    make_client: Callable[..., AliExpressClient], token: str, admin: Admin
) -> None:
    spec = ApiSpec("aliexpress.postproduct.redefining.querypromisetemplatebyid")
    client = make_client()

    def templates() -> tuple[Any, list[_Template]]:
        result = client.call(spec, {"template_id": 0}, token=token)["result"]
        return result["template_list"], _TemplateResult.model_validate(result).template_list

    plain_wire, plain = templates()
    admin.post("/behaviour", {"quirks": {"single_element_lists_as_objects": True}})
    quirky_wire, quirky = templates()
    assert isinstance(plain_wire["templatelist"], list) and isinstance(quirky_wire["templatelist"], dict)
    assert quirky == plain == [_Template(id=0, name="Default service template")]
