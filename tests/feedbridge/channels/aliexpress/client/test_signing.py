"""The client's signer against the published vectors V1–V8 (REFERENCE §1.4), and what it leaves out."""

from __future__ import annotations

import pytest

from feedbridge.channels.aliexpress.client.signing import sign
from sandbox.test_signing import SECRET, V5_PARAMS, VECTORS


@pytest.mark.parametrize(
    ("name", "api", "params", "method", "expected"), VECTORS, ids=[v[0] for v in VECTORS]
)
def test_vectors(name: str, api: str, params: dict[str, str], method: str, expected: str) -> None:
    assert sign(params, SECRET, api, method) == expected


def test_an_existing_sign_parameter_is_not_signed() -> None:
    api = "aliexpress.solution.product.info.get"
    assert sign({**V5_PARAMS, "sign": "STALE"}, SECRET, api) == sign(V5_PARAMS, SECRET, api)


def test_the_path_prefix_applies_only_to_path_style_names() -> None:
    params = {"app_key": "1", "timestamp": "2"}
    assert sign(params, SECRET, "/auth/token/create") != sign(params, SECRET, "auth.token.create")


def test_unknown_sign_method_is_refused() -> None:
    with pytest.raises(ValueError, match="sha1"):
        sign(V5_PARAMS, SECRET, "aliexpress.solution.product.info.get", "sha1")
