"""Signature test vectors V1–V8 (REFERENCE §1.4), for the sandbox's verifier and the tests' own signer."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aliexpress_sandbox.signing import compute_signature, signature_matches
from support.wire import sign

SECRET = "helloworld"
V3_PARAMS = {
    "app_key": "12345678",
    "format": "json",
    "logisitics_no": "ES2019COM0000123456",
    "method": "aliexpress.solution.order.fulfill",
    "out_ref": "1000006270175804",
    "partner_id": "top-sdk-php-20180326",
    "send_type": "all",
    "service_name": "SPAIN_LOCAL_CORREOS",
    "session": "test",
    "sign_method": "md5",
    "timestamp": "2016-01-01 12:00:00",
    "v": "2.0",
}
V5_PARAMS = {
    "app_key": "12345678",
    "format": "json",
    "method": "aliexpress.solution.product.info.get",
    "partner_id": "iop-sdk-python-20220609",
    "product_id": "1005001234567890",
    "session": "test-token",
    "sign_method": "sha256",
    "simplify": "false",
    "timestamp": "1517820392000",
}
V6_PARAMS = {
    "app_key": "12345678",
    "refresh_token": "test-refresh",
    "sign_method": "sha256",
    "timestamp": "1517820392000",
}

VECTORS = [
    (
        "V1",
        "/auth/token/create",
        {
            "app_key": "12345678",
            "code": "3_500102_JxZ05Ux3cnnSSUm6dCxYg6Q26",
            "sign_method": "sha256",
            "timestamp": "1517820392000",
        },
        "sha256",
        "35607762342831B6A417A0DED84B79C05FEFBF116969C48AD6DC00279A9F4D81",
    ),
    (
        "V2",
        "aliexpress.logistics.redefining.getonlinelogisticsinfo",
        {
            "access_token": "test",
            "aliexpress_category_id": "200135143",
            "app_key": "123456",
            "method": "aliexpress.logistics.redefining.getonlinelogisticsinfo",
            "sign_method": "sha256",
            "timestamp": "1517820392000",
        },
        "sha256",
        "F7F7926B67316C9D1E8E15F7E66940ED3059B1638C497D77973F30046EFB5BBB",
    ),
    ("V3", "aliexpress.solution.order.fulfill", V3_PARAMS, "md5", "4BC79C5FAA1B5E254E95A97E65BACEAB"),
    (
        "V4",
        "aliexpress.solution.order.fulfill",
        {**V3_PARAMS, "sign_method": "hmac"},
        "hmac",
        "497FA7FCAD98F4F335EFAE2451F8291D",
    ),
    (
        "V5",
        "aliexpress.solution.product.info.get",
        V5_PARAMS,
        "sha256",
        "2B9443BFC8D3B3D4A441BCD34B79637059A6CF0C9535A9FD721966CE80BCA633",
    ),
    (
        "V6",
        "/auth/token/refresh",
        V6_PARAMS,
        "sha256",
        "602AD82DDD28350D1687D5B7426888C551EC1858A4DC23C58D94AF729DB09B96",
    ),
    (
        "V7",
        "/auth/token/refresh",
        {
            **V6_PARAMS,
            "format": "json",
            "method": "/auth/token/refresh",
            "partner_id": "iop-sdk-python-20220609",
            "simplify": "false",
        },
        "sha256",
        "7D49D9E8FEF59AC7A5773617EE1D1E882A73B84D8F89889436CE75D83F18EFC5",
    ),
    (
        "V8",
        "aliexpress.solution.product.info.get",
        {**V5_PARAMS, "sign_method": "md5"},
        "md5",
        "A4592104E84FEC480C9E14270B75D25C",
    ),
]


@pytest.mark.parametrize(
    ("name", "api", "params", "method", "expected"), VECTORS, ids=[v[0] for v in VECTORS]
)
def test_vectors(name: str, api: str, params: dict[str, str], method: str, expected: str) -> None:
    assert compute_signature(params, api, SECRET, method) == expected
    assert sign(params, SECRET, api_path=api, method=method) == expected
    assert signature_matches({**params, "sign": expected}, api, SECRET, method, expected.lower())


text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20)


@given(
    params=st.dictionaries(st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12), text, max_size=8),
    api=st.sampled_from(["/auth/token/create", "aliexpress.solution.product.post"]),
    method=st.sampled_from(["sha256", "md5", "hmac"]),
)
def test_verifier_agrees_with_independent_signer(params: dict[str, str], api: str, method: str) -> None:
    signature = sign(params, SECRET, api_path=api, method=method)
    assert signature_matches(params, api, SECRET, method, signature)
    assert not signature_matches(params, api, SECRET + "x", method, signature)
    if params:
        key = sorted(params)[0]
        tampered = {**params, key: params[key] + "!"}
        assert not signature_matches(tampered, api, SECRET, method, signature)
