"""Failed calls explained to the merchant: specific for every known code, generic and safe otherwise."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aliexpress_sandbox.products.codes import CODES
from feedbridge.sync.explanations import Explanation, explain

GENERIC_FIX = explain("NO.SUCH.CODE", "whatever").fix


class Samples(dict[str, object]):
    """Sample values for a message template; any key it does not know gets a placeholder."""

    def __missing__(self, key: str) -> object:
        return 42


SAMPLES = Samples(
    sku_code="ABC-1",
    other="ABC-2",
    product_id=1005001,
    category_id=200001,
    field="productUnit",
    why="expected a number, got 'x'",
    name="Color",
    url="https://img.example/a.jpg",
    country="ES",
    language="xx",
)


def is_specific(explanation: Explanation) -> bool:
    return explanation.fix != GENERIC_FIX and not explanation.text.startswith(
        "AliExpress refused the listing"
    )


@pytest.mark.parametrize("rule", sorted(CODES))
def test_every_sandbox_code_gets_a_specific_explanation(rule: str) -> None:
    code = CODES[rule]
    message = code.message.format_map(SAMPLES)

    explanation = explain(code.sub_code, message)

    assert is_specific(explanation), (rule, explanation)
    assert explanation.fix
    assert "sub_code" not in explanation.text
    assert "{" not in explanation.text.replace("{ #", "") and "[" not in explanation.text
    if "{sku_code" in code.message:
        assert "ABC-1" in explanation.text
    if "{product_id}" in code.message:
        assert "1005001" in explanation.text


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("IncompleteSignature", "The request signature does not conform to platform standards"),
        ("IllegalAccessToken", "The specified access token is invalid or expired"),
        ("IllegalRefreshToken", "The specified refresh token is invalid or expired"),
        ("InvalidApiPath", "The specified API Path is invalid"),
        ("InvalidAppKey", "The specified App Key is invalid"),
        ("InvalidTimestamp", "The specified timestamp is not valid: too old"),
        ("AppCallLimit", "The daily call quota of this App Key is used up"),
        ("isv.account-migration-check-fail", "The account migration does not conform to platform standards"),
        ("isv.permission-api-package-limit", "Insufficient isv permissions"),
        ("11", "Insufficient isv permissions"),
        ("25", "Invalid signature"),
        ("27", "Invalid session"),
        ("23", "Invalid format"),
        ("F00-00-10020-004", "SellerId=2200123456 not exists"),
        ("150008", "150008:You've reached the maximum number of products you can publish!"),
        ("090012", "seller punished"),
        ("090019", "freight template missing"),
        ("16009999", "系统异常!"),
        ("FEED_SUBMIT_LIMIT", "at most 300 POST feeds per seller in 24 hours; try again later"),
        ("FEED_JOB_NOT_FOUND", "job 7 does not exist for this seller"),
        ("IMAGE_UNUSABLE", "image https://shop.test/a.jpg: the image server answered HTTP 404"),
        ("NO_ANSWER", "timed out"),
        ("SystemError", "The platform is temporarily unable to process the request"),
        ("isp.remote-service-error", "系统错误,请稍后重试"),
        ("InvalidParameter", "The specified parameter 'item_content' is not valid: not JSON"),
        ("MissingParameter", "The input parameter 'method' that is mandatory for processing this request"),
    ],
)
def test_reference_and_own_codes_get_a_specific_explanation(code: str, message: str) -> None:
    assert is_specific(explain(code, message))


@pytest.mark.parametrize(
    ("message", "words"),
    [
        ("7150008:150008:You've reached the maximum number of products you can publish!", "most products"),
        ("7090001:Title:090001:Sorry, the subject information you filled in is not in English", "title"),
        ("040003:productUnit_requiredValidator@post_tip", "Product unit"),
        ("None of your image url in main_image_urls_list existed in the seller's server", "photobank"),
        ("000003:Your operation rights have been suspended. Please contact customer service", "suspended"),
    ],
)
def test_the_posting_wrapper_reads_the_reason_from_the_message(message: str, words: str) -> None:
    explanation = explain("S00-10-10000-001", message)

    assert words in f"{explanation.text} {explanation.fix}"
    assert is_specific(explanation)


def test_a_required_field_names_the_build_attribute() -> None:
    explanation = explain("040003", "040003:productUnit_requiredValidator@post_tip")

    assert "“Product unit”" in explanation.text
    assert explanation.fix is not None and "“Product unit”" in explanation.fix
    assert "feedbridge build show API" in explanation.fix


def test_top_code_15_reads_the_sub_code_in_the_message() -> None:
    assert "internal error" in explain("15", "系统错误,请稍后重试").text
    assert "most products" in explain("15", "Remote service error (code=15, sub_code=150008)").text
    assert "SKU code" in explain("15", "F00-00-10007-009: Field:sku_code is empty").text


def test_values_from_the_message_appear_in_the_text() -> None:
    in_use = explain("SBX.SKU_CODE_IN_USE", "sku_code 'X-9' is already used by product 123")
    price = explain("SBX.PRICE_RANGE", "sku 'ABC': price must be 0.01-999999")
    image = explain("IMAGE_UNUSABLE", "image https://shop.test/a.jpg: the image server answered HTTP 404")

    assert "'X-9'" in in_use.text and "123" in in_use.text
    assert "'ABC'" in price.text and "Price" in (price.fix or "")
    assert "https://shop.test/a.jpg" in image.text and "HTTP 404" in image.text


def test_a_message_without_the_values_still_reads_well() -> None:
    explanation = explain("SBX.PRICE_RANGE", "")

    assert explanation.text.startswith("The price is outside")
    assert "{" not in explanation.text and "[" not in explanation.text


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("NO_ANSWER", "ReadTimeout"),
        ("TransportError", "connection reset"),
        ("ApiCallLimit", "Api access frequency exceeds the limit. this ban will last 3 seconds"),
        ("RateLimited", "The daily call quota is used up"),
        ("SBX.PRODUCT_AUDITING", "product 55 is under review and cannot be changed until it ends"),
        ("SOMETHING.NEW", "the product is auditing"),
        ("FEED_SUBMIT_LIMIT", "at most 300 POST feeds"),
        ("SystemError", "The platform is temporarily unable to process the request"),
        ("isp.remote-service-error", "系统错误,请稍后重试"),
    ],
)
def test_transient_causes_are_retried(code: str, message: str) -> None:
    assert explain(code, message).retried


def test_in_review_keeps_the_product_id_and_rate_limit_the_ban() -> None:
    assert "55" in explain("SBX.PRODUCT_AUDITING", "product 55 is under review").text
    assert "3 seconds" in explain("ApiCallLimit", "this ban will last 3 seconds").text


@pytest.mark.parametrize("code", ["SBX.PRICE_RANGE", "F00-00-10007-007", "IMAGE_UNUSABLE", "000003"])
def test_data_problems_are_not_retried(code: str) -> None:
    assert not explain(code, "").retried


def test_an_unknown_code_quotes_the_message() -> None:
    explanation = explain("ZZ-404", "Something odd: {x} [y]")

    assert "“Something odd: {x} [y]”" in explanation.text
    assert "ZZ-404" in explanation.text
    assert explanation.fix is not None and "feedbridge preview API --payload ITEM" in explanation.fix
    assert not explanation.retried


@pytest.mark.parametrize(
    ("code", "message"), [(None, None), ("", ""), (None, ""), ("", None), ("  ", "  "), ("15", None)]
)
def test_missing_input_gives_the_generic_explanation(code: str | None, message: str | None) -> None:
    explanation = explain(code, message)

    assert explanation.text and not is_specific(explanation)
    assert not explanation.retried


@given(st.one_of(st.none(), st.text()), st.one_of(st.none(), st.text()))
def test_explain_never_raises_and_always_says_something(code: str | None, message: str | None) -> None:
    explanation = explain(code, message)

    assert explanation.text.strip()
    assert isinstance(explanation.retried, bool)


@given(st.sampled_from(sorted({code.sub_code for code in CODES.values()})), st.text())
def test_known_codes_with_arbitrary_messages_never_raise(code: str, message: str) -> None:
    assert explain(code, message).text.strip()
