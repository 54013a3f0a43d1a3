"""What a failed call means for the merchant: (error code, message) → plain words and the fix.

One table maps every code AliExpress, the sandbox and feedbridge itself put on a result to a template.
Templates name values read from the message (`{sku}`, `{product}`, …); a part in square brackets is
kept only when every value it names was found, so a message without the value still reads well.
Wrapper codes (`S00-10-10000-001`, TOP `15`/`50`, `040003:…`) carry the real reason in the message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PREVIEW = "`feedbridge preview API --payload ITEM`"
BUILD = "`feedbridge build show API`"
QUALITY = "`feedbridge quality API`"
RECONNECT = (
    "reconnect the seller account (Connect with AliExpress, or `feedbridge connections add LABEL` again)"
)
TEMPLATES = "`feedbridge connections data CONNECTION templates`"


@dataclass(frozen=True)
class Explanation:
    text: str  # what went wrong, in plain words a merchant understands
    fix: str | None  # what to do about it, or None
    retried: bool  # True when feedbridge tries again by itself on the next run (transient causes)


@dataclass(frozen=True)
class _Entry:
    text: str
    fix: str | None
    retried: bool = False


_AGAIN = "Nothing to do: feedbridge sends the listing again on the next run."
_SYSTEM = _Entry("AliExpress had an internal error and could not handle the listing.", _AGAIN, True)
_PERMISSION = _Entry(
    "feedbridge's AliExpress app is not allowed to make this call (a missing API permission).",
    f"Grant the app the product-listing API permissions in the AliExpress developer console, then {RECONNECT}.",
)
_PROTOCOL = _Entry(
    "AliExpress rejected the form of feedbridge's request (a protocol error, not a problem with your data).",
    "Update feedbridge; if it keeps happening, report it with the message above.",
)
_PHOTOBANK = _Entry(
    "AliExpress could not find the listing's images[ ({url})] in its image store (photobank).",
    "Check that the Main image and Extra images build attributes point to images that can be downloaded;"
    " feedbridge uploads them again on the next run.",
)
_TOO_MANY_PRODUCTS = _Entry(
    "The seller account has reached the most products AliExpress lets it publish (100,000).",
    "Delete products you no longer sell on AliExpress, or exclude items from this API, then run again.",
)
_TITLE = _Entry(
    "AliExpress refused the title: it is not in the listing's language, or it holds forbidden characters"
    " (such as < or >) or words.",
    f"Correct the Title build attribute: the API's language, no < or >, no banned words (see {QUALITY}).",
)

# Code → what it means. Keys are the platform's codes, the sandbox's `SBX.*` codes and feedbridge's own.
_TABLE: dict[str, _Entry] = {
    # Gateway (REFERENCE §5.1).
    "IncompleteSignature": _Entry(
        "AliExpress did not accept the signature of feedbridge's request.",
        f"Check the app key and app secret of the connection, then {RECONNECT}.",
    ),
    "IllegalAccessToken": _Entry(
        "feedbridge's access to the AliExpress seller account has expired or was revoked.",
        f"{RECONNECT.capitalize()}.",
    ),
    "IllegalRefreshToken": _Entry(
        "The authorization of the AliExpress seller account has run out.", f"{RECONNECT.capitalize()}."
    ),
    "InvalidAppKey": _Entry(
        "AliExpress does not know the app key of the connection, or the app is disabled.",
        f"Check the app in the AliExpress developer console, then {RECONNECT}.",
    ),
    "InvalidCode": _Entry(
        "The AliExpress sign-in code was invalid, expired or already used.", f"{RECONNECT.capitalize()}."
    ),
    "InvalidApiPath": _Entry(
        "AliExpress does not offer this call to feedbridge's app (the app lacks the API, or the path is wrong).",
        _PERMISSION.fix,
    ),
    "ApiCallLimit": _Entry(
        "AliExpress limited how often feedbridge may call it[ (a ban of {seconds} seconds)], longer than"
        " feedbridge waits within one run.",
        _AGAIN + " If it happens often, run the API less often.",
        True,
    ),
    "AppCallLimit": _Entry(
        "The app's daily quota of AliExpress calls is used up (it resets at midnight Beijing time).",
        "Nothing to do: feedbridge sends the listing again on a run after the quota resets.",
        True,
    ),
    "InvalidTimestamp": _Entry(
        "AliExpress rejected the time of feedbridge's request: the server's clock is probably wrong.",
        "Set the clock of the machine that runs feedbridge (enable NTP), then run again.",
    ),
    "MissingParameter": _Entry(
        "feedbridge's request lacked a value AliExpress requires[: “{param}”].",
        f"Check that the build sets every mandatory attribute ({BUILD}) and look at the payload with {PREVIEW}.",
    ),
    "InvalidParameter": _Entry(
        "AliExpress refused a value of the request[ (“{param}”)][: {why}].",
        f"Check the listing's values with {PREVIEW} and correct the build attribute ({BUILD}).",
    ),
    "SystemError": _SYSTEM,
    "isp.remote-service-error": _SYSTEM,
    "isv.account-migration-check-fail": _Entry(
        "The seller account cannot use the API: it has not moved to AliExpress's current seller platform.",
        f"Check the account in the AliExpress seller center, then {RECONNECT}.",
    ),
    "isv.permission-api-package-limit": _PERMISSION,
    "23": _PROTOCOL,  # TOP "invalid format"; the other protocol numbers are aliases of it
    # Product business errors (REFERENCE §5.3).
    "F00-00-10007-009": _Entry(
        "A variant of the listing has no SKU code.",
        f"Give every item a value in the API's unique ID field (SKU code); see {QUALITY}.",
    ),
    "F00-00-10007-007": _Entry(
        "Two variants of the listing have the same SKU code.",
        f"Give every item its own value in the API's unique ID field (SKU code); see {QUALITY}.",
    ),
    "F00-00-10007-015": _Entry(
        "A variant attribute (like Color or Size) is not one the category offers, and the category takes no"
        " custom variant attributes.",
        "Use only the category's variant attributes in the build (Variant attributes), or choose another"
        " category line in the Categories step.",
    ),
    "150008": _TOO_MANY_PRODUCTS,
    "090001": _TITLE,
    "F00-00-10020-004": _Entry(
        "AliExpress does not know the seller account[ {seller}]: it was deleted, suspended or never activated.",
        f"Check the account in the AliExpress seller center, then {RECONNECT}.",
    ),
    "040003": _Entry(
        "A value AliExpress requires is missing[: “{attribute}”].",
        f"Set the build attribute[ “{{attribute}}”] so every listing has a value ({BUILD}).",
    ),
    "GPF.CHK_CATEGORY_ID_NOT_LEAF_CATEGORY": _Entry(
        "The category[ {category}] has sub-categories; AliExpress only takes the most specific (leaf) ones.",
        "In the Categories step, change the category line to a leaf category.",
    ),
    "000003": _Entry(
        "AliExpress has suspended the seller account's right to publish (a penalty).",
        "Contact AliExpress seller support; feedbridge cannot publish until the account is restored.",
    ),
    "090014": _Entry(
        "The product[ {product}] no longer exists on AliExpress.",
        "If it was deleted in the AliExpress seller center on purpose, exclude its items from this API.",
    ),
    "090015": _Entry(
        "The product[ {product}] could not be put online: it is not offline on AliExpress (it may be in"
        " review or online already).",
        "Check the product's state in the AliExpress seller center.",
    ),
    "090012": _Entry(
        "AliExpress has penalized the seller account, so the product[ {product}] cannot be put back online.",
        "Contact AliExpress seller support.",
    ),
    "090019": _Entry(
        "The product[ {product}] cannot go online: its freight template is missing or cannot be used.",
        f"Choose one of your templates ({TEMPLATES}) in the Freight template build attribute.",
    ),
    "SBX.IMAGE_NOT_IN_PHOTOBANK": _PHOTOBANK,
    # Rules the sandbox enforces under its own codes (REFERENCE §4).
    "SBX.FIELD_INVALID": _Entry(
        "AliExpress refused a value[ of “{attribute}”][: {why}].",
        f"Correct the build attribute[ “{{attribute}}”] ({BUILD}) and check it with {PREVIEW}.",
    ),
    "SBX.LANGUAGE_INVALID": _Entry(
        "AliExpress does not support the listing's language[ ({language})].",
        "Set the API's language to one AliExpress supports: en ru es fr it tr pt de nl in ar ja ko th vi iw.",
    ),
    "SBX.CATEGORY_UNKNOWN": _Entry(
        "The category[ {category}] does not exist on AliExpress.",
        "In the Categories step, choose an existing AliExpress category for the category line.",
    ),
    "SBX.CATEGORY_NOT_PERMITTED": _Entry(
        "The seller account may not publish in the category[ {category}].",
        "In the Categories step choose a category your account may use, or apply for it on AliExpress.",
    ),
    "SBX.ATTRIBUTE_REQUIRED": _Entry(
        "The category requires the attribute[ “{name}”], but the listing has no value for it.",
        f"Set the category attribute[ “{{name}}”] in the build ({BUILD}).",
    ),
    "SBX.ATTRIBUTE_UNKNOWN": _Entry(
        "The attribute[ “{name}”] does not exist in the listing's category[ {category}].",
        "Remove it from the build's category attributes, or check the category line in the Categories step.",
    ),
    "SBX.ATTRIBUTE_VALUE_INVALID": _Entry(
        "The attribute[ “{name}”] does not accept the value[ {value}].",
        f"Map the value to one of the attribute's allowed values in the build ({BUILD}).",
    ),
    "SBX.TITLE_LENGTH": _Entry(
        "The title[ in {language}] is empty or longer than 218 characters.",
        f"Correct the Title build attribute: 1 to 218 characters (see {QUALITY}).",
    ),
    "SBX.TITLE_MAIN_LANGUAGE_MISSING": _Entry(
        "The listing has no title in its main language[ ({language})].",
        "Set the Title build attribute so every listing has a title.",
    ),
    "SBX.IMAGE_COUNT": _Entry(
        "A listing needs 1 to 6 images[; this one had {count}].",
        "Set the Main image build attribute, and at most 5 Extra images.",
    ),
    "SBX.SKU_LIST_EMPTY": _Entry(
        "The listing has no variants (SKUs) to publish.",
        f"Check why the listing's items are excluded or blocked with {QUALITY}.",
    ),
    "SBX.TOO_MANY_SKUS": _Entry(
        "The listing has more variants[ ({count})] than one AliExpress product holds[ (at most {most})].",
        "Split the item group into smaller groups, or exclude some variants.",
    ),
    "SBX.SKU_CODE_IN_USE": _Entry(
        "The SKU code[ '{sku}'] is already used by another AliExpress product[ (product {product})].",
        "Give the item another value in the unique ID field, or delete the other product on AliExpress.",
    ),
    "SBX.PRICE_RANGE": _Entry(
        "The price[ of SKU '{sku}'] is outside what AliExpress accepts (0.01 to 999999).",
        f"Correct the Price build attribute; {QUALITY} shows empty or zero prices.",
    ),
    "SBX.DISCOUNT_NOT_BELOW_PRICE": _Entry(
        "The discount price[ of SKU '{sku}'] is not lower than the price.",
        "Correct the Discount price build attribute so it is below the Price, or leave it empty.",
    ),
    "SBX.INVENTORY_RANGE": _Entry(
        "The stock[ of SKU '{sku}'] is outside what AliExpress accepts[ ({low} to 999999)].",
        "Correct the Stock build attribute; a new listing needs at least 1 unit.",
    ),
    "SBX.SKU_NOT_IN_PRODUCT": _Entry(
        "The SKU code[ '{sku}'] is not part of the AliExpress product[ {product}].",
        "Check the product's variants in the AliExpress seller center: their SKU codes must match the unique"
        " ID field.",
    ),
    "SBX.SKU_ATTRIBUTES_REQUIRED": _Entry(
        "The variant[ '{sku}'] has no variant attributes (like Color or Size); AliExpress needs them when a"
        " listing has several variants.",
        "Set the Variant attributes (Color, Size …) in the build so that the variants differ.",
    ),
    "SBX.SKU_ATTRIBUTE_REQUIRED": _Entry(
        "The variant[ '{sku}'] lacks the required variant attribute[ “{name}”].",
        "Set the Variant attribute[ “{name}”] in the build.",
    ),
    "SBX.SKU_ATTRIBUTES_DUPLICATE": _Entry(
        "The variant[ '{sku}'] has the same variant attributes as another variant[ ('{other}')], so buyers"
        " could not tell them apart.",
        "Make the Variant attributes (Color, Size …) differ per variant, or split the item group.",
    ),
    "SBX.SKU_VALUE_INVALID": _Entry(
        "The variant attribute[ “{name}”][ of SKU '{sku}'] has a value AliExpress does not accept.",
        "Map the value to one of the Variant attribute's allowed values in the build.",
    ),
    "SBX.SKU_CUSTOM_VALUE_INVALID": _Entry(
        "A variant value[ of SKU '{sku}'] is longer than 70 characters or holds a forbidden character ({{ # : = ,).",
        "Shorten the Variant attribute's value, or map it to an allowed value in the build.",
    ),
    "SBX.SKU_CUSTOM_VALUE_NOT_ALLOWED": _Entry(
        "The variant attribute[ “{name}”] takes only AliExpress's own values, not custom ones[ (SKU '{sku}')].",
        "Map every value of this Variant attribute to an allowed value in the build.",
    ),
    "SBX.SKU_IMAGE_NOT_ALLOWED": _Entry(
        "The variant attribute[ “{name}”] cannot carry variant images[ (SKU '{sku}')].",
        "Show the Variant image with the colour attribute only, or leave Variant image empty.",
    ),
    "SBX.WEIGHT_RANGE": _Entry(
        "The package weight is outside 0.001 to 500 kg.", "Correct the Package weight build attribute (kg)."
    ),
    "SBX.PACKAGE_SIZE_RANGE": _Entry(
        "The package size[ (“{attribute}”)] must be a whole number of centimetres from 1 to 700.",
        "Correct the Package length, width and height build attributes (whole cm).",
    ),
    "SBX.LEAD_TIME_RANGE": _Entry(
        "The dispatch time must be 1 to 60 days.", "Correct the Dispatch time build attribute."
    ),
    "SBX.FREIGHT_TEMPLATE_INVALID": _Entry(
        "The freight template[ {template}] is not one of the seller account's shipping templates.",
        f"Choose one of your templates ({TEMPLATES}) in the Freight template build attribute.",
    ),
    "SBX.SERVICE_TEMPLATE_INVALID": _Entry(
        "The service template[ {template}] is not one of the seller account's service templates.",
        f"Choose one of your templates ({TEMPLATES}), or 0 for the default, in the Service policy build"
        " attribute.",
    ),
    "SBX.GROUP_INVALID": _Entry(
        "The product group[ {group}] does not exist or cannot hold products (it has sub-groups).",
        f"Choose a group without sub-groups ({TEMPLATES}) in the Product group build attribute.",
    ),
    "SBX.DEDUCTION_STRATEGY_INVALID": _Entry(
        "The inventory deduction strategy is not one AliExpress knows.",
        "Set the Inventory deduction strategy build attribute to deduct at order or at payment.",
    ),
    "SBX.PRODUCT_UNIT_INVALID": _Entry(
        "The product unit[ {unit}] is not a unit AliExpress knows.",
        "Choose a unit from the list in the Product unit build attribute.",
    ),
    "SBX.PRODUCT_AUDITING": _Entry(
        "The product[ {product}] is in AliExpress's review and cannot be changed until the review ends.",
        "Nothing to do: feedbridge sends the change again on a later run, after the review.",
        True,
    ),
    "SBX.COUNTRY_PRICE_TYPE": _Entry(
        "The localized prices use a price type AliExpress does not accept[ (it must be {allowed})].",
        "Check the Localized prices settings of the API.",
    ),
    "SBX.COUNTRY_INVALID": _Entry(
        "AliExpress does not take localized prices for the country[ {country}].",
        "Remove the country from the API's Localized prices.",
    ),
    "SBX.COUNTRY_PRICE_SKU": _Entry(
        "The localized price[ for {country}] names a SKU[ '{sku}'] that is not one of the listing's.",
        f"Check the Localized prices of the API and the payload with {PREVIEW}.",
    ),
    "SBX.COUNTRY_PRICE_TOO_LOW": _Entry(
        "The localized price[ for {country}][ of SKU '{sku}'] is below 70% of the base price.",
        "Raise the API's Localized prices to at least 70% of the Price.",
    ),
    "SBX.COUNTRY_DISCOUNT_INVALID": _Entry(
        "The localized discount price[ for {country}][ of SKU '{sku}'] must be below the localized price"
        " and at least 10% of it.",
        "Correct the Discount price build attribute or the API's Localized prices.",
    ),
    "SBX.TOO_MANY_GROUPS": _Entry(
        "A product can be in at most 3 product groups[; this one had {count}].",
        "Choose at most 3 in the Product group build attribute.",
    ),
    # Feeds (sandbox).
    "FEED_SUBMIT_LIMIT": _Entry(
        "The daily limit of feed submissions to AliExpress (300 per kind per day) is reached.",
        _AGAIN + " If it happens often, run the API less often.",
        True,
    ),
    "FEED_JOB_NOT_FOUND": _Entry(
        "AliExpress no longer knows the feed job[ {job}] that feedbridge was waiting for.",
        "Run the API again to send the listing anew.",
    ),
    # feedbridge's own result codes.
    "IMAGE_UNUSABLE": _Entry(
        "An image[ ({url})] could not be used[: {reason}].",
        "Fix or remove the image link in the feed, or in the Main image, Extra images or Variant image build"
        " attributes.",
    ),
    "NO_ANSWER": _Entry(
        "AliExpress did not answer in time, or the connection dropped.",
        "Nothing to do: feedbridge checks and sends the listing again on the next run.",
        True,
    ),
}

# Other spellings of the same cause: legacy TOP numbers (REFERENCE §5.2), the client's error classes.
_ALIASES: dict[str, str] = {
    **dict.fromkeys(("3", "10", "16009999", "PlatformError"), "SystemError"),
    **dict.fromkeys(("7", "RateLimited"), "AppCallLimit"),
    **dict.fromkeys(("11", "12", "13", "42", "53"), "isv.permission-api-package-limit"),
    **dict.fromkeys(("24", "25"), "IncompleteSignature"),
    **dict.fromkeys(("26", "27", "44", "TokenExpired", "AuthError"), "IllegalAccessToken"),
    **dict.fromkeys(("28", "29"), "InvalidAppKey"),
    **dict.fromkeys(("41", "43", "isv.invalid-parameter"), "InvalidParameter"),
    **dict.fromkeys(("9", "21", "22", "30", "32", "33", "34", "47"), "23"),
    "40": "MissingParameter",
    "31": "InvalidTimestamp",
    "RefreshTokenExpired": "IllegalRefreshToken",
    "TransportError": "NO_ANSWER",
    "7150008": "150008",
    "7090001": "090001",
}

# Wrappers (`S00-10-10000-001`, TOP `15`/`50`, the client's `InvalidRequest`) and unknown codes: the reason
# inside the message, first match wins; else a code the message starts with ("7150008:…") or names.
_INNER: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b150008\b"), "150008"),
    (re.compile(r"\b090001\b"), "090001"),
    (re.compile(r"_requiredValidator"), "040003"),
    (re.compile(r"None of your image url", re.I), "SBX.IMAGE_NOT_IN_PHOTOBANK"),
    (re.compile(r"NOT_LEAF_CATEGORY|not a leaf category", re.I), "GPF.CHK_CATEGORY_ID_NOT_LEAF_CATEGORY"),
    (re.compile(r"ban will last"), "ApiCallLimit"),
    (re.compile(r"系统错误|系统异常"), "SystemError"),
)
_REVIEW = re.compile(r"audit|under review", re.I)
_CODE_IN_MESSAGE = re.compile(r"sub_code[=:]\s*([\w.\-]+)|^([\w.\-]+):")

# Values read from the message: name → patterns (group 1 is the value), first match wins.
_VALUES: dict[str, tuple[str, ...]] = {
    "sku": (r"\bsku(?:_code)? '([^']*)'", r'\bsku(?:_code)? "([^"]*)"'),
    "other": (r"combination of '([^']*)'", r'combination of "([^"]*)"'),
    "product": (r"\bproduct (\d+)", r"\bproduct_?ids?[=: ]+(\d+)"),
    "category": (r"\bcategory (\d+)",),
    "field": (r"(\w+)_requiredValidator", r"^([A-Za-z_][\w.]*)(?:: | must be )"),
    "why": (r"^[A-Za-z_][\w.]*: (.+)$", r"is not valid: (.+)$"),
    "param": (r"parameter '([^']*)'",),
    "name": (r"\battribute (.+?) (?:\(id \d+\)|does not)", r"\battribute (.+?) is missing"),
    "value": (r"does not accept (.+)$",),
    "language": (r"\blanguage '?([\w-]+)'?", r"^the (\w+) title"),
    "count": (r"got (\d+)",),
    "most": (r"at most (\d+) SKUs",),
    "low": (r"inventory must be (\d+)-",),
    "template": (r"template (\d+)",),
    "group": (r"group (\d+)",),
    "unit": (r"unit (\S+) is not",),
    "allowed": (r"must be (.+)$",),
    "country": (r"price for (\w+)", r"country '([^']*)'"),
    "seconds": (r"last (\d+) seconds",),
    "seller": (r"SellerId=(\S+)",),
    "job": (r"job (\d+)",),
    "url": (r"^image (\S+): ", r"(https?://[^\s)]+)"),
    "reason": (r"^image \S+: (.+)$",),
}
_PATTERNS = {name: tuple(re.compile(p, re.S) for p in patterns) for name, patterns in _VALUES.items()}

# The request's field names (camelCase or snake_case, lower-cased without "_") → feedbridge's build attribute.
_ATTRIBUTES: dict[str, str] = {
    "subject": "Title",
    "multilanguagesubjectlist": "Title",
    "description": "Description",
    "multilanguagedescriptionlist": "Description",
    "mainimageurlslist": "Main image",
    "skuinfolist": "SKU code",
    "skucode": "SKU code",
    "price": "Price",
    "discountprice": "Discount price",
    "inventory": "Stock",
    "eancode": "EAN / GTIN",
    "brandname": "Brand",
    "productunit": "Product unit",
    "inventorydeductionstrategy": "Inventory deduction strategy",
    "weight": "Package weight",
    "packagelength": "Package length",
    "packagewidth": "Package width",
    "packageheight": "Package height",
    "shippingleadtime": "Dispatch time",
    "freighttemplateid": "Freight template",
    "servicepolicyid": "Service policy",
    "groupid": "Product group",
    "groupids": "Product group",
    "skuattributeslist": "Variant attributes",
    "attributelist": "category attributes",
    "aliexpresscategoryid": "category (Categories step)",
    "multicountrypriceconfiguration": "Localized prices",
}
_SENTENCES = frozenset({"why", "reason", "value", "allowed"})  # free text: lose the final full stop
_OPTIONAL = re.compile(r"\[([^\[\]]*)\]")
_NAMES = re.compile(r"(?<!\{)\{(\w+)\}(?!\})")


def explain(code: str | None, message: str | None) -> Explanation:
    """What a failed call with `code` and the platform's `message` means, and how to fix it."""
    code = (code or "").strip()
    message = (message or "").strip()
    entry = _TABLE.get(_resolve(code, message))
    if entry is None:
        return _generic(code, message)
    values = _values(message)
    return Explanation(_fill(entry.text, values), entry.fix and _fill(entry.fix, values), entry.retried)


def _resolve(code: str, message: str) -> str:
    """The table key for `code`; for wrappers and unknown codes, the reason found in the message."""
    if code != "IMAGE_UNUSABLE" and _REVIEW.search(message):
        return "SBX.PRODUCT_AUDITING"  # as the exporter does: anything in review is deferred, not failed
    key = _ALIASES.get(code, code)
    if key in _TABLE:
        return key
    for pattern, inner in _INNER:
        if pattern.search(message):
            return inner
    found = _CODE_IN_MESSAGE.search(message)
    inner = next((group for group in found.groups() if group), "") if found else ""
    return _ALIASES.get(inner, inner)


def _values(message: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, patterns in _PATTERNS.items():
        match = next((m for m in (p.search(message) for p in patterns) if m), None)
        value = match.group(1).strip(" ." if name in _SENTENCES else " ") if match else ""
        if value:
            found[name] = value
    if "field" in found:
        key = re.sub(r"[^a-z]", "", found["field"].lower())
        found["attribute"] = _ATTRIBUTES.get(key, found["field"])
    return found


def _fill(template: str, values: dict[str, str]) -> str:
    """The template with its values; a [part] whose values are not all known is left out."""

    def part(match: re.Match[str]) -> str:
        return match.group(1) if all(name in values for name in _NAMES.findall(match.group(1))) else ""

    return _OPTIONAL.sub(part, template).format_map(_Blank(values))


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def _generic(code: str, message: str) -> Explanation:
    said = f": “{message}”" if message else " without saying why"
    text = f"AliExpress refused the listing{said}" + (f" (code {code})." if code else ".")
    fix = f"Check the listing's payload with {PREVIEW} against the message."
    return Explanation(text, fix, False)
