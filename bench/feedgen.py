"""Write realistic product feeds of any size, for the import benchmarks and tests.

    python -m bench.feedgen --items 1000000 --format csv|xml|ndjson --out PATH [--seed S]

Items come in variant groups (colour × size) that share an item_group_id, a base title and a brand;
single products have no group. IDs are SKU-like and some are all digits with leading zeros, GTIN-13s
have valid GS1 check digits (some start with 0), descriptions are HTML of several hundred characters
with line breaks, and some values hold `&`, quotes and accents. XML is Google Shopping RSS 2.0 (the
`g:` namespace), CSV has one header row, NDJSON one object per line.

Every column is built with Polars expressions, CHUNK_ITEMS items at a time, so memory stays flat at
any size; the same seed writes the same bytes.
"""

from __future__ import annotations

import argparse
import array
import random
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import polars as pl

from bench.feed_words import (
    ADJECTIVES,
    BRANDS,
    CARE,
    CATEGORIES,
    COLORS,
    GS1_PREFIXES,
    MARGINS,
    MATERIALS,
    SEASONS,
    SENTENCES,
)

FORMATS = ("csv", "xml", "ndjson")
CHUNK_ITEMS = 50_000
SHOP = "https://www.example-shop.com"
CDN = "https://cdn.example-shop.com"
GOOGLE_NS = "http://base.google.com/ns/1.0"
FIELDS = (
    "id", "item_group_id", "title", "description", "brand", "gtin", "mpn", "price", "sale_price",
    "availability", "condition", "quantity", "color", "size", "material", "gender", "age_group",
    "product_type", "google_product_category", "link", "image_link", "additional_image_link",
    "shipping_weight", "custom_label_0", "custom_label_1", "custom_label_2",
)  # fmt: skip
# Google's RSS examples use the plain RSS elements for these; every other field is g:<field>.
RSS_ELEMENTS = {"title", "description", "link"}
SINGLE_SHARE = 35  # percent of groups that are one product without variants
MAX_VARIANTS = 6  # 2 colours × 3 sizes


def _series(values: tuple[str, ...] | list[str]) -> pl.Series:
    return pl.Series(values, dtype=pl.String)


_BRAND = _series([name for name, _ in BRANDS])
_BRAND_CODE = _series([code for _, code in BRANDS])
_NOUN = _series([noun for category in CATEGORIES for noun in category.nouns])
_SIZE = _series([size for category in CATEGORIES for size in category.sizes])
_PRODUCT_TYPE = _series([category.product_type for category in CATEGORIES])
_GOOGLE_CATEGORY = _series([category.google_product_category for category in CATEGORIES])
_GENDERED = pl.Series([category.gendered for category in CATEGORIES])
# One-size products (headphones) vary by colour alone; the others by 2 colours × 3 sizes.
_SIZED = pl.Series([len(set(category.sizes)) > 1 for category in CATEGORIES])


class _Dice:
    """Seeded random integers, a whole column per call (Python's Mersenne Twister: stable across versions)."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)

    def ints(self, count: int, below: int) -> pl.Series:
        raw = array.array("I")
        raw.frombytes(self._rng.randbytes(4 * count))
        if sys.byteorder == "big":
            raw.byteswap()  # the same seed gives the same feed on every machine
        return (pl.Series(raw, dtype=pl.UInt32) % below).cast(pl.Int64)

    def pick(self, words: tuple[str, ...], count: int) -> pl.Series:
        return _series(words).gather(self.ints(count, len(words)))


def _groups(dice: _Dice, first_group: int, count: int) -> pl.DataFrame:
    """Enough product groups for `count` items (the last one cut short); one row per group."""
    single = dice.ints(count, 100) < SINGLE_SHARE
    sizes = pl.Series([1] * count).zip_with(single, 2 + dice.ints(count, MAX_VARIANTS - 1))
    ends = sizes.cum_sum()
    groups = int((ends < count).sum()) + 1
    sizes = sizes.head(groups)
    sizes[groups - 1] = count - (int(ends[groups - 2]) if groups > 1 else 0)
    category = dice.ints(groups, len(CATEGORIES))
    brand = dice.ints(groups, len(BRANDS))
    return pl.DataFrame(
        {
            "group": pl.int_range(first_group, first_group + groups, eager=True),
            "variants": sizes,
            "brand": _BRAND.gather(brand),
            "brand_code": _BRAND_CODE.gather(brand),
            "adjective": dice.pick(ADJECTIVES, groups),
            "material": dice.pick(MATERIALS, groups),
            "noun": _NOUN.gather(category * 6 + dice.ints(groups, 6)),
            "product_type": _PRODUCT_TYPE.gather(category),
            "google_product_category": _GOOGLE_CATEGORY.gather(category),
            "gendered": _GENDERED.gather(category),
            "sized": _SIZED.gather(category),
            "size_base": category * 6 + dice.ints(groups, 4),
            "color_base": dice.ints(groups, len(COLORS)),
            "price_cents": (2 + dice.ints(groups, 250)) * 100 - 1,
            "gender": dice.pick(("female", "male", "unisex"), groups),
            "kids": dice.ints(groups, 100) < 15,
            "weight": 5 + dice.ints(groups, 300),  # hundredths of a kilogram
            "custom_label_0": dice.pick(SEASONS, groups),
            "custom_label_1": dice.pick(MARGINS, groups),
            "care": dice.pick(CARE, groups),
            **{f"s{n}": dice.pick(SENTENCES, groups) for n in range(4)},
            "numeric_id": dice.ints(groups, 2) == 0,
        }
    )


def _items(dice: _Dice, first_item: int, first_group: int, count: int) -> tuple[pl.DataFrame, int]:
    """`count` items in the order FIELDS lists them (prices in cents, image lists as lists), and the
    number of groups they used."""
    groups = _groups(dice, first_group, count)
    items = groups.with_columns(v=pl.int_ranges(0, "variants")).explode("v")
    items = items.with_columns(
        index=pl.int_range(first_item, first_item + count),
        color=_series(COLORS).gather(
            (items["color_base"] + (items["v"] // 3).zip_with(items["sized"], items["v"])) % len(COLORS)
        ),
        size=_SIZE.gather(items["size_base"] + items["v"] % 3),
        gtin_body=dice.pick(GS1_PREFIXES, count)
        + dice.ints(count, 1_000_000_000).cast(pl.String).str.zfill(9),
        has_gtin=dice.ints(count, 100) >= 5,
        stock_roll=dice.ints(count, 100),
        stock=1 + dice.ints(count, 500),
        condition_roll=dice.ints(count, 100),
        on_sale=dice.ints(count, 100) < 25,
        images=dice.ints(count, 5),
        bestseller=dice.ints(count, 100) < 10,
    )
    return items.with_columns(_item_id()).select(*_fields()), groups.height


def _item_id() -> pl.Expr:
    """Singles: all digits with leading zeros; variants: `0004512-01` or `NRD-4512-01`. Never repeated."""
    c, lit = pl.col, pl.lit
    group, sku = c("group").cast(pl.String), (c("v") + 1).cast(pl.String).str.zfill(2)
    return (
        pl.when(c("variants") == 1)
        .then(c("index").cast(pl.String).str.zfill(8))
        .when(c("numeric_id"))
        .then(pl.concat_str(group.str.zfill(7), lit("-"), sku))
        .otherwise(pl.concat_str(c("brand_code"), lit("-"), group, lit("-"), sku))
        .alias("id")
    )


def _fields() -> list[pl.Expr]:
    c, lit = pl.col, pl.lit
    group, sku = c("group").cast(pl.String), (c("v") + 1).cast(pl.String).str.zfill(2)
    multi = c("variants") > 1
    base_title = pl.concat_str(c("brand"), c("adjective"), c("material"), c("noun"), separator=" ")
    # "Björk & Sons Wrap Dress" → "bjork-sons-wrap-dress": accents dropped, anything else a hyphen.
    slug = (
        pl.concat_str(c("brand"), c("noun"), separator=" ")
        .str.normalize("NFKD")
        .str.replace_all(r"\p{M}", "")
        .str.to_lowercase()
        .str.replace_all("[^a-z0-9]+", "-")
    )
    availability = (
        pl.when(c("stock_roll") < 80)
        .then(lit("in_stock"))
        .when(c("stock_roll") < 92)
        .then(lit("out_of_stock"))
        .when(c("stock_roll") < 96)
        .then(lit("backorder"))
        .otherwise(lit("preorder"))
    )
    condition = (
        pl.when(c("condition_roll") < 95)
        .then(lit("new"))
        .when(c("condition_roll") < 98)
        .then(lit("refurbished"))
        .otherwise(lit("used"))
    )
    image = pl.concat_str(lit(f"{CDN}/img/"), group, lit("/"), c("id"), lit("-"))
    return [
        c("id"),
        pl.when(multi).then(pl.concat_str(lit("G"), group.str.zfill(7))).alias("item_group_id"),
        pl.concat_str(base_title, c("color"), c("size"), separator=", ").alias("title"),
        _description(base_title).alias("description"),
        c("brand"),
        pl.when(c("has_gtin")).then(c("gtin_body") + _check_digit(c("gtin_body"))).alias("gtin"),
        pl.concat_str(
            c("brand_code"), lit("-"), (c("group") * 7 % 90000 + 10000).cast(pl.String), lit("-"), sku
        ).alias("mpn"),
        c("price_cents").alias("price"),
        pl.when(c("on_sale")).then(c("price_cents") * 8 // 10).alias("sale_price"),
        availability.alias("availability"),
        condition.alias("condition"),
        pl.when(c("stock_roll").is_between(80, 91)).then(0).otherwise(c("stock")).alias("quantity"),
        c("color"),
        c("size"),
        c("material"),
        pl.when(c("gendered")).then(c("gender")).alias("gender"),
        pl.when(c("gendered"))
        .then(pl.when(c("kids")).then(lit("kids")).otherwise(lit("adult")))
        .alias("age_group"),
        c("product_type"),
        c("google_product_category"),
        pl.concat_str(lit(f"{SHOP}/p/"), slug, lit("-"), group, lit("?variant="), c("id")).alias("link"),
        (image + "1.jpg").alias("image_link"),
        pl.concat_list([image + f"{n}.jpg" for n in range(2, 6)])
        .list.head(c("images"))
        .alias("additional_image_link"),
        pl.concat_str(
            c("weight") // 100, lit("."), (c("weight") % 100).cast(pl.String).str.zfill(2), lit(" kg")
        ).alias("shipping_weight"),
        c("custom_label_0"),
        c("custom_label_1"),
        pl.when(c("bestseller")).then(lit("bestseller")).alias("custom_label_2"),
    ]


def _description(base_title: pl.Expr) -> pl.Expr:
    c, lit = pl.col, pl.lit
    return pl.concat_str(
        lit("<p><strong>"), base_title, lit("</strong> by "), c("brand"), lit(".</p>\n<p>"),
        c("s0"), lit(" "), c("s1"), lit("</p>\n<ul>\n<li>Material: "), c("material"),
        lit("</li>\n<li>Colour: "), c("color"), lit("</li>\n<li>Size: "), c("size"),
        lit("</li>\n<li>"), c("care"), lit("</li>\n</ul>\n<p>"), c("s2"), lit(" "), c("s3"), lit("</p>"),
    )  # fmt: skip


def _check_digit(body: pl.Expr) -> pl.Expr:
    """GS1 check digit of a 12-digit GTIN-13 body: weights 1, 3, 1, … from the left."""
    total = pl.sum_horizontal(body.str.slice(k, 1).cast(pl.Int64) * (3 if k % 2 else 1) for k in range(12))
    return ((10 - total % 10) % 10).cast(pl.String)


def _money(cents: pl.Expr) -> pl.Expr:
    return pl.concat_str(cents // 100, pl.lit("."), (cents % 100).cast(pl.String).str.zfill(2))


def _write_csv(items: pl.DataFrame, out: BinaryIO) -> None:
    items.with_columns(
        _money(pl.col("price")),
        _money(pl.col("sale_price")),
        pl.col("additional_image_link").list.join(","),
    ).write_csv(out, include_header=False)


def _write_ndjson(items: pl.DataFrame, out: BinaryIO) -> None:
    items.with_columns(pl.col("price", "sale_price") / 100).write_ndjson(out)


def _escape(text: pl.Expr) -> pl.Expr:
    return (
        text.str.replace_all("&", "&amp;", literal=True)
        .str.replace_all("<", "&lt;", literal=True)
        .str.replace_all(">", "&gt;", literal=True)
    )


def _write_xml(items: pl.DataFrame, out: BinaryIO) -> None:
    items = items.with_columns(
        (_money(pl.col("price")) + " EUR"),
        (_money(pl.col("sale_price")) + " EUR"),
        pl.col("quantity").cast(pl.String),
    )
    elements: list[pl.Expr] = []
    for name in FIELDS:
        tag = name if name in RSS_ELEMENTS else f"g:{name}"
        if name == "additional_image_link":  # a list: one element per URL
            value = pl.col(name).list.eval(_escape(pl.element())).list.join(f"</{tag}>\n<{tag}>")
            value = pl.when(pl.col(name).list.len() > 0).then(value)
        elif name == "description":  # HTML, kept readable in CDATA as most shop systems write it
            value = pl.concat_str(pl.lit("<![CDATA["), pl.col(name), pl.lit("]]>"))
        else:
            value = _escape(pl.col(name))
        elements.append(pl.concat_str(pl.lit(f"<{tag}>"), value, pl.lit(f"</{tag}>\n")).fill_null(""))
    xml = pl.concat_str([pl.lit("<item>\n"), *elements, pl.lit("</item>")])
    # Each item is one "row"; without quoting the CSV writer just streams the strings out.
    items.select(xml).write_csv(out, include_header=False, quote_style="never")


XML_HEAD = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:g="{GOOGLE_NS}">\n<channel>\n'
    f"<title>Example Shop</title>\n<link>{SHOP}</link>\n<description>Products of Example Shop</description>\n"
).encode()
XML_TAIL = b"</channel>\n</rss>\n"
_WRITERS: dict[str, Callable[[pl.DataFrame, BinaryIO], None]] = {
    "csv": _write_csv,
    "ndjson": _write_ndjson,
    "xml": _write_xml,
}


def generate(items: int, seed: int = 0) -> Iterator[pl.DataFrame]:
    """The feed's items, CHUNK_ITEMS at a time, as frames with FIELDS (prices in cents)."""
    dice = _Dice(seed)
    done, group = 0, 1
    while done < items:
        chunk, groups = _items(dice, done, group, min(CHUNK_ITEMS, items - done))
        yield chunk
        done, group = done + chunk.height, group + groups


def write_feed(path: str | Path, items: int, fmt: str = "csv", seed: int = 0) -> None:
    """Write `items` products to `path` as csv, xml (Google Shopping RSS 2.0) or ndjson."""
    if fmt not in _WRITERS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    with Path(path).open("wb") as out:
        out.write(XML_HEAD if fmt == "xml" else (",".join(FIELDS) + "\n").encode() if fmt == "csv" else b"")
        for chunk in generate(items, seed):
            _WRITERS[fmt](chunk, out)
        if fmt == "xml":
            out.write(XML_TAIL)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.feedgen", description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, required=True, help="how many products (SKUs) to write")
    parser.add_argument("--format", choices=FORMATS, default="csv")
    parser.add_argument("--out", type=Path, required=True, help="the file to write")
    parser.add_argument("--seed", type=int, default=0, help="the same seed writes the same feed")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    write_feed(args.out, args.items, args.format, args.seed)
    seconds = time.perf_counter() - started
    size = args.out.stat().st_size / 1024**2
    print(f"{args.items:,} items as {args.format} → {args.out} ({size:,.1f} MiB) in {seconds:.1f} s")


if __name__ == "__main__":
    main()
