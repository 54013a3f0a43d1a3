"""`feedbridge categories …` end to end: a project, its import, API rules and API made with the CLI, the
seller connected to a real sandbox, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from feedbridge.categories.services import category_tree
from feedbridge.cli.main import app
from support.shop import ConnectedShop

runner = CliRunner()
FEED = """\
id,title,product_type,tags
A1,Red summer dress,Dresses,"sale, red"
A2,Blue dress,dresses,blue
A3,Running shoes,Shoes,"sale, Red"
A4,Leather boots,Boots,
"""
RULES = """\
name: AE rules
rules:
  - name: Tags
    then: [{action: split, field: tags, separator: ","}]
"""
DRESSES, WOMEN, SNEAKERS = 200003482, 100003109, 200002164
_projects = itertools.count()


@pytest.fixture(scope="module")
def shop(connected_shop: ConnectedShop) -> ConnectedShop:
    # The tree is read once with the test clock (which never sleeps); the commands then find it cached.
    category_tree(connected_shop.sessions, connected_shop.ctx, connected_shop.connection_id)
    return connected_shop


def cli(shop: ConnectedShop, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args), obj=shop.settings, env={"COLUMNS": "250"})
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result.output


@pytest.fixture
def project(shop: ConnectedShop, tmp_path: Path) -> Iterator[str]:
    """A project made with the CLI: the feed imported, API rules that split the tags, API 'AE'."""
    name = f"Shop {next(_projects)}"
    feed, rules = tmp_path / "feed.csv", tmp_path / "rules.yaml"
    feed.write_text(FEED)
    rules.write_text(RULES)
    cli(shop, "projects", "create", name)
    cli(shop, "imports", "add", name, "main", "--file", str(feed), "--id-field", "id")
    cli(shop, "imports", "run", name, "main")
    cli(shop, "rules", "import", str(rules), "--project", name, "--layer", "api")
    cli(
        shop,
        "apis",
        "create",
        "AE",
        "-p",
        name,
        "-c",
        "Main shop",
        "--language",
        "fr",
        "--rule-set",
        "AE rules",
    )
    yield name


def test_tree_browse_and_search(shop: ConnectedShop, project: str) -> None:
    top = cli(shop, "categories", "tree", "AE", "-p", project)
    assert "Top level" in top and "Vêtements et accessoires" in top  # the API's language
    assert "Special Category" not in top  # the seller may not post there
    assert "leaves to choose from; `--parent ID` opens a category" in top

    women = cli(shop, "categories", "tree", "AE", "-p", project, "--parent", str(WOMEN), "--language", "en")
    assert "Apparel & Accessories > Women" in women and f"{DRESSES}" in women and "Dresses" in women

    found = cli(shop, "categories", "tree", "AE", "-p", project, "--search", "kleider", "--language", "en")
    assert f"{DRESSES}" in found and "Apparel & Accessories > Women > Dresses" in found and "de name" in found
    assert "No leaf category matches 'zzqq'" in cli(
        shop, "categories", "tree", "AE", "-p", project, "--search", "zzqq"
    )
    out = cli(shop, "categories", "tree", "AE", "-p", project, "--parent", "999", code=1)
    assert "Error: --parent: category 999 is not in the connection's category tree." in out


def test_lines_are_added_listed_set_moved_and_removed(shop: ConnectedShop, project: str) -> None:
    def lines() -> str:
        return cli(shop, "categories", "lines", "AE", "-p", project)

    assert "has no category lines yet" in lines()
    out = cli(shop, "categories", "add", "AE", "-p", project, "--where", "product_type=Dresses",
              "--category", str(DRESSES), "--label", "Dresses")  # fmt: skip
    assert "Added line 1 to API 'AE': product_type equals \"Dresses\"." in out
    cli(shop, "categories", "add", "AE", "-p", project, "--where", "tags~sale", "--where", "title~shoes")

    listed = lines()
    assert (
        'product_type equals "Dresses"' in listed
        and f"{DRESSES} Vêtements et accessoires > Women > Robes" in listed
    )
    assert 'tags contains "sale" and title contains "shoes"' in listed and "not picked" in listed
    assert "4 items: 2 by lines, 0 by AI, 2 uncategorized — 50.0% categorized" in listed

    assert f"now puts its items in {SNEAKERS}" in cli(
        shop, "categories", "set", "AE", "2", str(SNEAKERS), "-p", project
    )
    assert "4 items: 3 by lines" in lines()
    assert "Moved line 2 of API 'AE' to position 1." in cli(
        shop, "categories", "move", "AE", "2", "1", "-p", project
    )
    assert "has no category now" in cli(shop, "categories", "set", "AE", "1", "none", "-p", project)
    assert "Removed line 1" in cli(shop, "categories", "remove", "AE", "1", "-p", project)
    listed = lines()
    assert "tags contains" not in listed and "4 items: 2 by lines" in listed


def test_generate_lines_then_the_uncategorized_items(shop: ConnectedShop, project: str) -> None:
    out = cli(shop, "categories", "generate", "AE", "-p", project, "--field", "product_type")
    assert "product_type = Dresses" in out and "product_type = Boots" in out
    assert (
        f"Added 3 lines without a category; pick each one's with `feedbridge categories set 'AE' LINE CATEGORY -p '{project}'`"
        in out
    )
    assert "already has a line" in cli(
        shop, "categories", "generate", "AE", "-p", project, "--field", "product_type"
    )
    cli(shop, "categories", "set", "AE", "1", str(DRESSES), "-p", project)

    out = cli(shop, "categories", "uncategorized", "AE", "-p", project, "--fields", "title,tags")
    assert "4 items: 2 by lines, 0 by AI, 2 uncategorized — 50.0% categorized" in out
    assert (
        "Running shoes" in out and "sale, Red" in out and "Leather boots" in out and "Blue dress" not in out
    )
    assert "page 1 of 1" in out
    out = cli(shop, "categories", "uncategorized", "AE", "-p", project, "--fields", "colour", code=1)
    assert "Error: fields: the items have no field 'colour'" in out


def test_lines_round_trip_through_a_yaml_file(shop: ConnectedShop, project: str, tmp_path: Path) -> None:
    cli(shop, "categories", "generate", "AE", "-p", project, "--field", "tags")
    cli(shop, "categories", "set", "AE", "2", str(SNEAKERS), "-p", project)
    exported = tmp_path / "lines.yaml"
    assert "Exported 3 category lines" in cli(
        shop, "categories", "lines", "AE", "-p", project, "--export", str(exported)
    )
    text = exported.read_text()
    assert text.startswith("lines:\n  - label: tags = sale\n    if:\n      all:\n        - op: equals\n")
    assert f"    category_id: {SNEAKERS}\n" in text

    cli(
        shop,
        "apis",
        "create",
        "AE 2",
        "-p",
        project,
        "-c",
        "Main shop",
        "--language",
        "en",
        "--rule-set",
        "AE rules",
    )
    assert "Imported 3 category lines into API 'AE 2'" in cli(
        shop, "categories", "lines", "AE 2", "-p", project, "--import", str(exported)
    )
    again = tmp_path / "again.yaml"
    cli(shop, "categories", "lines", "AE 2", "-p", project, "--export", str(again))
    assert again.read_text() == text


def test_bad_input_gets_one_clear_line(shop: ConnectedShop, project: str, tmp_path: Path) -> None:
    def error(*args: str) -> str:
        out = cli(shop, "categories", *args, code=1)
        # One message (after the database's own log lines, if any).
        assert out.strip().splitlines()[-1].startswith("Error: ") and out.count("Error") == 1, out
        return out

    add = ("add", "AE", "-p", project, "--where")
    assert "category line 1: if › condition 1 (equals): unknown field 'colour'" in error(*add, "colour=red")
    assert "'colour' needs FIELD~TEXT (contains) or FIELD=TEXT (equals)" in error(*add, "colour")
    assert "'tags=' has no text after the field" in error(*add, "tags=")
    out = error(*add, "tags=red", "--category", str(WOMEN))
    assert f"category {WOMEN} (Vêtements et accessoires > Women) has sub-categories" in out
    assert "category 12345 is not in the connection's category tree" in error(
        *add, "tags=red", "--category", "12345"
    )
    assert "API 'AE' has no line 3" in error("set", "AE", "3", str(DRESSES), "-p", project)
    assert "'shoes' is not a category id" in error("set", "AE", "1", "shoes", "-p", project)
    assert "API 'Nope' does not exist" in error("lines", "Nope", "-p", project)

    bad = tmp_path / "bad.yaml"
    bad.write_text("lines:\n  - if: {all: [{op: equals, field: tags, value: x}]\n")
    assert f"{bad}: line 3, column 1:" in error("lines", "AE", "-p", project, "--import", str(bad))
    bad.write_text("lines:\n  - if: {all: [{op: equals, field: tagz, value: x}]}\n")
    assert "category line 1: if › condition 1 (equals): unknown field 'tagz' — did you mean 'tags'?" in error(
        "lines", "AE", "-p", project, "--import", str(bad)
    )
    assert "has no category lines yet" in cli(shop, "categories", "lines", "AE", "-p", project)


# --- AI categorization ---------------------------------------------------------------------------------


def test_ai_suggest_review_accept_correct_and_make_a_line(shop: ConnectedShop, project: str) -> None:
    settings = cli(shop, "categories", "ai-settings", "AE", "-p", project, "--apply-above", "0.95")
    assert "apply above:        0.95" in settings and "text fields:        auto" in settings
    cli(shop, "categories", "ai-settings", "AE", "-p", project, "--apply-above", "2", code=1)
    out = cli(shop, "categories", "suggest", "AE", "-p", project)
    assert "Suggested categories for 4 items: 0 applied (confidence ≥ threshold, 0.95), 4 waiting" in out
    assert "capped at 0.5" in out
    review = cli(shop, "categories", "review", "AE", "-p", project)
    assert "product_type = Dresses" in review and "Red summer dress" in review
    accepted = cli(shop, "categories", "accept", "AE", "-p", project, "--review", "1")
    assert "the model learned from them" in accepted
    corrected = cli(shop, "categories", "correct", "AE", "-p", project, "A4", "--category", str(DRESSES))
    assert f"Set category {DRESSES} for 1 item" in corrected
    overview = cli(shop, "categories", "uncategorized", "AE", "-p", project)
    assert "A4" not in overview
    made = cli(shop, "categories", "review", "AE", "-p", project, "--line", "1")
    assert "Added line 1: product_type = " in made
    cli(shop, "categories", "accept", "AE", "-p", project, code=1)  # neither items nor --review
    cli(shop, "categories", "review", "AE", "-p", project, "--line", "99", code=1)


def test_evaluate_a_small_labelled_file(shop: ConnectedShop, tmp_path: Path) -> None:
    labelled = tmp_path / "labelled.csv"
    rows = [("red summer dress", "Clothing | Dresses"), ("blue evening dress", "Clothing | Dresses")]
    rows += [("leather boots", "Shoes | Boots"), ("snow boots winter", "Shoes | Boots")]
    rows += [("running sneakers", "Shoes | Sneakers"), ("white sneakers", "Shoes | Sneakers")]
    labelled.write_text("title,category\n" + "\n".join(f"{t},{c}" for t, c in rows * 5) + "\n")
    command = ["categories", "evaluate", str(labelled), "--text", "title", "--label", "category"]
    out = cli(shop, *command, "--labelled-share", "0.5")
    assert "top-1: 1.000" in out and "Reliability" in out
    zero = cli(shop, *command, "--labelled-share", "0")
    assert "examples: 0" in zero and "top-1: 1.000" in zero  # the names of the paths alone suffice here
    cli(shop, "categories", "evaluate", str(labelled), "--text", "name", "--label", "category", code=1)
