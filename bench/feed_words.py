"""Words the feed generator builds products from: categories, brands, colours, description sentences.

Some entries carry what real feeds carry and readers must survive: `&` and quotes, accents, `>` in paths.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    product_type: str
    google_product_category: str  # an id from Google's product taxonomy
    nouns: tuple[str, str, str, str, str, str]
    sizes: tuple[str, str, str, str, str, str]
    gendered: bool  # apparel: gender and age group are set


CLOTHING_SIZES = ("XS", "S", "M", "L", "XL", "XXL")
CATEGORIES = (
    Category(
        "Apparel > Women > Dresses",
        "2271",
        ("Wrap Dress", "Midi Dress", "Shirt Dress", "Maxi Dress", "Slip Dress", "Sundress"),
        CLOTHING_SIZES,
        True,
    ),
    Category(
        "Apparel > Men > Shirts",
        "212",
        ("Oxford Shirt", "Linen Shirt", "Polo Shirt", "Flannel Shirt", "Henley", "T-Shirt"),
        CLOTHING_SIZES,
        True,
    ),
    Category(
        "Apparel > Shoes > Sneakers",
        "187",
        ("Sneaker", "Running Shoe", "Canvas Shoe", "Trail Shoe", "Slip-On", "High-Top"),
        ("38", "39", "40", "41", "42", "43"),
        True,
    ),
    Category(
        "Home > Kitchen > Cookware",
        "654",
        ("Frying Pan", "Saucepan", "Stock Pot", "Wok", "Casserole", "Grill Pan"),
        ("16 cm", "20 cm", "24 cm", "26 cm", "28 cm", "32 cm"),
        False,
    ),
    Category(
        "Home > Bedroom > Bedding",
        "569",
        ("Duvet Cover", "Pillowcase Set", "Fitted Sheet", "Throw Blanket", "Quilt", "Bedspread"),
        ("90x200", "140x200", "160x200", "180x200", "200x200", "240x220"),
        False,
    ),
    Category(
        "Home > Living Room > Lighting",
        "594",
        ("Table Lamp", "Floor Lamp", "Pendant Light", "Desk Lamp", "Wall Light", "Lantern"),
        ("Small", "Medium", "Large", "XL", "Set of 2", "Set of 3"),
        False,
    ),
    Category(
        "Accessories > Bags > Backpacks",
        "100",
        ("Backpack", "Daypack", "Laptop Backpack", "Rolltop Backpack", "Mini Backpack", "Hiking Pack"),
        ("10 L", "15 L", "20 L", "25 L", "30 L", "40 L"),
        True,
    ),
    Category(
        "Electronics > Audio > Headphones",
        "505771",
        ("Headphones", "Earbuds", "Headset", "Earphones", "Sport Earbuds", "Studio Headphones"),
        ("One Size", "One Size", "One Size", "One Size", "One Size", "One Size"),
        False,
    ),
)

# (display name, code used in SKUs and MPNs)
BRANDS = (
    ("Nordwind", "NRD"),
    ("Björk & Sons", "BJS"),
    ("Casa Lumière", "CLU"),
    ("Urban Trail", "UTR"),
    ("Kōyō", "KOY"),
    ("Maison Verte", "MVE"),
    ("Pinecrest", "PIN"),
    ("Atlas Outfitters", "ATL"),
    ("Solé", "SOL"),
    ("Greyhound & Co", "GHC"),
    ("Lindqvist", "LDQ"),
    ("Terra Nova", "TNV"),
)
ADJECTIVES = (
    "Classic", "Essential", "Premium", "Lightweight", "Organic", "Vintage", "Modern", "Everyday",
    "Signature", "Heritage", "Compact", "Deluxe", "Recycled", "Studio", "Coastal", "Alpine",
)  # fmt: skip
MATERIALS = (
    "Cotton", "Linen", "Wool", "Leather", "Canvas", "Bamboo", "Stainless Steel", "Cast Iron",
    "Ceramic", "Recycled Polyester", "Oak", "Merino",
)  # fmt: skip
COLORS = (
    "Black", "White", "Navy", "Olive", "Sand", "Terracotta", "Sky Blue", "Charcoal",
    "Burgundy", "Mustard", "Sage", "Ivory", "Rosé", "Forest Green",
)  # fmt: skip
CARE = ("Machine wash at 30 °C", "Hand wash only", "Wipe clean with a damp cloth", "Dishwasher safe")
SENTENCES = (
    "Designed in our studio and made to last for years of everyday use.",
    "A timeless shape that pairs easily with everything else you already own.",
    'Customers call it "the one they reach for first" — and it shows.',
    "Each piece is checked by hand before it leaves our workshop.",
    "Packed in plastic-free, recyclable packaging; delivery within 2–4 working days.",
    "The finish is slightly different on every piece, which is part of its charm.",
    "Free returns within 30 days if it isn't quite right for you.",
    "Sized true to fit; if you're between sizes, we recommend the larger one.",
    "Certified to the OEKO-TEX® Standard 100 for peace of mind.",
    "Works beautifully on its own & even better as part of the collection.",
    "Our best-seller for three seasons running, now in new colours.",
    "Tested for durability: 10,000+ cycles without visible wear.",
    "Made with 100% renewable energy at our partner factory in Portugal.",
    "Prix doux, qualité durable : la pièce qu'on garde longtemps.",
    "Pflegeleicht und langlebig — ideal für den täglichen Gebrauch.",
    "Ships from our EU warehouse; no customs fees for EU customers.",
)
GS1_PREFIXES = (
    "000",
    "001",
    "008",
    "019",
    "400",
    "401",
    "426",
    "300",
    "340",
    "370",
    "800",
    "840",
    "871",
    "539",
)
SEASONS = ("summer-2025", "winter-2025", "all-season")
MARGINS = ("high-margin", "mid-margin", "low-margin")
