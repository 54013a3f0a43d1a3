"""XML: Google RSS and Atom, generic XML, nesting, attributes, repeats, and hostile or broken files."""

from __future__ import annotations

import polars as pl

from feedbridge.catalog.model import FeedFormat
from feedbridge.catalog.readers import columns

G = 'xmlns:g="http://base.google.com/ns/1.0"'

RSS = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" {G}><channel><title>Shop</title><link>https://shop.example</link>
<!-- item 1 -->
<item><g:id>0001</g:id><title>Mug &amp; saucer</title><g:title>Mug (Google)</g:title>
<description><![CDATA[<p>Fine <b>china</b></p>]]></description>
<g:price>9.90 EUR</g:price>
<g:additional_image_link>https://img/1a.jpg</g:additional_image_link>
<g:additional_image_link>https://img/1b.jpg</g:additional_image_link>
<g:shipping><g:country>DE</g:country><g:price>4.95 EUR</g:price></g:shipping></item>
<item><g:id>0002</g:id><title>Cup</title><description /><g:price>5.00 EUR</g:price>
<g:additional_image_link>https://img/2a.jpg</g:additional_image_link></item>
</channel></rss>"""


def test_google_rss(feeds):
    feed = feeds.read("feed.xml", RSS)
    assert feed.format is FeedFormat.XML
    assert feed.details["item_element"] == "item"
    frame = feed.frame
    assert frame.columns == [
        "id", "title", "g:title", "description", "price", "additional_image_link", "shipping.country", "shipping.price",
    ]  # fmt: skip
    assert frame["id"].to_list() == ["0001", "0002"]
    assert frame["title"].to_list() == ["Mug & saucer", "Cup"]
    assert frame["g:title"].to_list() == ["Mug (Google)", None]
    assert frame["description"].to_list() == ["<p>Fine <b>china</b></p>", ""]
    assert frame.schema["additional_image_link"] == pl.List(pl.String)
    assert frame["additional_image_link"].to_list() == [
        ["https://img/1a.jpg", "https://img/1b.jpg"],
        ["https://img/2a.jpg"],
    ]
    assert frame["shipping.price"].to_list() == ["4.95 EUR", None]


def test_atom_with_google_namespace(feeds):
    atom = f"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" {G}>
    <title>Shop</title><entry><g:id>A1</g:id><title>Lamp</title><link href="https://shop/lamp"/></entry>
    <entry><g:id>A2</g:id><title>Desk</title><link href="https://shop/desk"/></entry></feed>"""
    feed = feeds.read("atom.xml", atom)
    assert feed.details["item_element"] == "entry"
    assert feed.frame.to_dicts() == [
        {"id": "A1", "title": "Lamp", "link@href": "https://shop/lamp", "link": ""},
        {"id": "A2", "title": "Desk", "link@href": "https://shop/desk", "link": ""},
    ]


def test_generic_xml_nested_attributes_and_repeats(feeds):
    xml = """<catalog><products>
    <product sku="1"><name>Shirt</name><price currency="EUR">10</price>
      <dimensions><width unit="cm">30</width><height>40</height></dimensions>
      <tag>summer</tag><tag>cotton</tag></product>
    <product sku="2"><name>Hat</name><price currency="USD">5</price><tag>winter</tag></product>
    </products></catalog>"""
    feed = feeds.read("catalog.xml", xml)
    assert feed.details["item_element"] == "product"
    row = feed.frame.row(0, named=True)
    assert row == {
        "product@sku": "1", "name": "Shirt", "price@currency": "EUR", "price": "10",
        "dimensions.width@unit": "cm", "dimensions.width": "30", "dimensions.height": "40", "tag": ["summer", "cotton"],
    }  # fmt: skip
    assert feed.frame["tag"].to_list()[1] == ["winter"]


def test_item_element_can_be_set(feeds):
    xml = (
        "<root><group><offer><id>1</id></offer><offer><id>2</id></offer></group><meta><x>1</x></meta></root>"
    )
    assert feeds.read("f.xml", xml, item_element="offer").frame["id"].to_list() == ["1", "2"]
    missing = feeds.read("f.xml", xml, item_element="article")
    assert missing.frame.height == 0 and missing.warnings


def test_mixed_content_keeps_the_markup(feeds):
    xml = "<products><product><description>Hello <b>bold</b> world</description></product></products>"
    assert feeds.read("f.xml", xml).frame["description"].to_list() == ["Hello <b>bold</b> world"]


def test_billion_laughs_is_refused(feeds):
    xml = """<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">
    <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
    <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
    <products><product><name>&lol3;</name></product></products>"""
    error = feeds.error("bomb.xml", xml)
    assert "unsafe" in error.reason and error.line == 1 and error.hint


def test_external_entity_is_never_read(feeds):
    xml = """<?xml version="1.0"?>
<!DOCTYPE p [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<products><product><name>&secret;</name></product></products>"""
    error = feeds.error("xxe.xml", xml)
    assert "DOCTYPE" in error.reason and error.line == 2
    assert "root:" not in str(error)


def test_external_dtd_is_refused(feeds):
    xml = '<?xml version="1.0"?><!DOCTYPE products SYSTEM "http://evil.example/x.dtd"><products/>'
    assert "DOCTYPE" in feeds.error("dtd.xml", xml).reason


def test_an_undeclared_entity_is_broken_xml_with_a_hint(feeds):
    error = feeds.error("f.xml", "<products>\n<product><name>Salt &pepper;</name></product></products>")
    assert error.line == 2 and error.item == 1 and error.hint and "&amp;" in error.hint


def test_gigantic_text_node_is_refused(feeds):
    xml = "<products><product><name>" + "x" * 11_000_000 + "</name></product></products>"
    error = feeds.error("huge.xml", xml)
    assert "unsafe" in error.reason and error.item == 1


def test_truncated_xml_names_line_and_item(feeds):
    xml = (
        "<products>\n"
        + "".join(f"<product><id>{i}</id></product>\n" for i in range(5))
        + "<product><id>5</id>"
    )
    error = feeds.error("cut.xml", xml)
    assert error.item == 6 and error.line is not None and error.line >= 6
    assert error.hint and "cut off" in error.hint


def test_malformed_xml(feeds):
    error = feeds.error("bad.xml", "<products><product><id>1</ids></product></products>")
    assert error.line == 1 and error.item == 1 and "broken XML" in error.reason


def test_chunks_spilled_to_disk_read_back_as_one_feed(feeds, monkeypatch):
    """Items spill to a file every CHUNK_ROWS items; a field that appears late, or becomes a list late,
    comes back as if the feed had been read in one piece."""
    items = [f"<item><g:id>{n}</g:id><g:tag>t{n}</g:tag></item>" for n in range(10)]
    items[6] = "<item><g:id>6</g:id><g:tag>a</g:tag><g:tag>b</g:tag><g:size>XL</g:size></item>"
    xml = f'<?xml version="1.0"?><rss {G}><channel>{"".join(items)}</channel></rss>'
    whole = feeds.read("whole.xml", xml).frame
    monkeypatch.setattr(columns, "CHUNK_ROWS", 4)
    chunked = feeds.read("chunked.xml", xml)

    assert len(list(feeds.directory.glob("work-*/*.parquet"))) == 1 + 3  # one chunk, then three
    assert chunked.frame.equals(whole)
    assert chunked.frame.schema == pl.Schema({"id": pl.String, "tag": pl.List(pl.String), "size": pl.String})
    assert chunked.frame["tag"].to_list()[5:7] == [["t5"], ["a", "b"]]
    assert chunked.frame["size"].to_list() == [None] * 6 + ["XL"] + [None] * 3


def test_a_chunk_of_items_without_any_value_keeps_its_rows(feeds, monkeypatch):
    monkeypatch.setattr(columns, "CHUNK_ROWS", 2)
    xml = f'<?xml version="1.0"?><rss {G}><channel>{"<item/>" * 3}<item><g:id>4</g:id></item></channel></rss>'
    assert feeds.read("feed.xml", xml).frame["id"].to_list() == [None, None, None, "4"]
    only_empty = feeds.read(
        "empty.xml", f'<?xml version="1.0"?><rss {G}><channel><item/><item/></channel></rss>'
    )
    assert only_empty.frame.shape == (2, 0)
