"""`feedbridge rules …` on a real database, and `rules test` without one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from feedbridge.cli.main import app
from feedbridge.config import Settings
from feedbridge.rules.files import load_rule_set

runner = CliRunner()
FEED = "id,title,stock,sizes\nA1,Wool jumper,5,S|M\nB2,Cotton shirt,0,\nC3,Socks,12,M\n"
RULES = """\
name: Shop rules
rules:
  - name: No stock
    if: {all: [{op: at_most, field: stock, value: 0}]}
    then: [{action: exclude}]
  - name: Upper title
    then: [{action: uppercase, field: title}]
  - name: Old rule
    then: [{action: nothing}]
"""


def _cli(settings: Settings | None, *args: str, code: int = 0, stdout: bool = False) -> str:
    result = runner.invoke(app, list(args), obj=settings, env={"COLUMNS": "200"})
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result.stdout if stdout else result.output


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    settings = Settings(data_dir=tmp_path / "data", database_url=db_url)
    feed = tmp_path / "feed.csv"
    feed.write_text(FEED)
    _cli(settings, "projects", "create", "Shop")
    _cli(settings, "imports", "add", "Shop", "main", "--file", str(feed), "--id-field", "id")
    _cli(settings, "imports", "run", "Shop", "main")
    return settings


def test_import_list_show_export_and_replace(settings: Settings, tmp_path: Path) -> None:
    assert "has no rules yet" in _cli(settings, "rules", "list", "--project", "Shop")
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES)
    out = _cli(settings, "rules", "import", str(rules), "--project", "Shop")
    assert "Created rule set 'Shop rules' (project rules, 3 rules)." in out

    listed = _cli(settings, "rules", "list", "--project", "Shop")
    assert "Shop rules" in listed and "project rules" in listed
    shown = _cli(settings, "rules", "show", "Shop rules", "--project", "Shop", stdout=True)
    assert shown.startswith("# Shop rules: project rules, updated ") and "  - name: Upper title\n" in shown

    exported = _cli(settings, "rules", "export", "--project", "Shop", stdout=True)
    assert exported.startswith("name: Shop rules\nrules:\n")
    assert (tmp_path / "back.yaml").write_text(exported) and load_rule_set(
        tmp_path / "back.yaml"
    ) == load_rule_set(rules)
    out = _cli(
        settings,
        "rules",
        "export",
        "--project",
        "Shop",
        "--rule-set",
        "Shop rules",
        "-o",
        str(tmp_path / "r.json"),
    )
    assert "Exported rule set 'Shop rules' (3 rules)" in out
    assert json.loads((tmp_path / "r.json").read_text())["rules"][1] == {
        "name": "Upper title",
        "then": [{"action": "uppercase", "field": "title"}],
    }

    rules.write_text(
        RULES.replace("uppercase", "lowercase")
        .replace("  - name: Old rule\n    then: [{action: nothing}]\n", "")
        .replace(
            "rules:\n", "rules:\n  - {name: New rule, enabled: false, then: [{action: trim, field: title}]}\n"
        )
    )
    out = _cli(settings, "rules", "import", str(rules), "--project", "Shop")
    assert "Replaced rule set 'Shop rules' (project rules, 3 rules)." in out
    assert "added rule 'New rule'" in out and "removed rule 'Old rule'" in out
    assert "changed rule 'Upper title'" in out and "No stock" not in out

    rules.write_text(rules.read_text().replace("enabled: false", "enabled: true"))
    assert "enabled rule 'New rule'" in _cli(settings, "rules", "import", str(rules), "--project", "Shop")


def test_layers_names_and_errors(settings: Settings, tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES)
    out = _cli(
        settings,
        "rules",
        "import",
        str(rules),
        "--project",
        "Shop",
        "--import",
        "main",
        "--name",
        "Feed fixes",
    )
    assert "Created rule set 'Feed fixes' (import rules of import 'main', 3 rules)." in out
    out = _cli(
        settings, "rules", "import", str(rules), "--project", "Shop", "--layer", "api", "--name", "AliExpress"
    )
    assert "(api rules, 3 rules)" in out
    assert "Feed fixes" in _cli(settings, "rules", "export", "--project", "Shop", "--import", "main")

    out = _cli(
        settings,
        "rules",
        "import",
        str(rules),
        "--project",
        "Shop",
        "--layer",
        "import",
        "--name",
        "x",
        code=1,
    )
    assert "name it with --import NAME" in out
    out = _cli(settings, "rules", "export", "--project", "Shop", "--layer", "api", code=1)
    assert "name one with --rule-set" in out
    assert "has no project rules" in _cli(settings, "rules", "export", "--project", "Shop", code=1)
    out = _cli(
        settings,
        "rules",
        "import",
        str(rules),
        "--project",
        "Shop",
        "--name",
        "AliExpress",
        "--layer",
        "project",
        code=1,
    )
    assert "already holds api rules" in out

    rules.write_text(RULES.replace("field: title", "field: titel"))
    out = _cli(settings, "rules", "import", str(rules), "--project", "Shop", code=1)
    assert (
        "1 problem to fix" in out
        and "rule \"Upper title\", then › action 1 (uppercase): unknown field 'titel'" in out
    )
    rules.write_text("name: x\nrules: [\n")
    assert "line 3, column 1" in _cli(settings, "rules", "import", str(rules), "--project", "Shop", code=1)
    assert "project 'Nope' does not exist" in _cli(settings, "rules", "list", "--project", "Nope", code=1)

    assert "Renamed rule set 'AliExpress' to 'AliExpress EN'" in _cli(
        settings, "rules", "rename", "AliExpress", "AliExpress EN", "--project", "Shop"
    )
    assert "Deleted rule set 'AliExpress EN'" in _cli(
        settings, "rules", "delete", "AliExpress EN", "--project", "Shop"
    )
    assert "does not exist" in _cli(settings, "rules", "show", "AliExpress EN", "--project", "Shop", code=1)


def test_stats_and_explain(settings: Settings, tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES)
    _cli(settings, "rules", "import", str(rules), "--project", "Shop")
    api = tmp_path / "api.yaml"
    api.write_text(
        "name: AliExpress\nrules:\n  - {name: Sizes, then: [{action: split, field: sizes, separator: '|'}]}\n"
    )
    _cli(settings, "rules", "import", str(api), "--project", "Shop", "--layer", "api")

    out = _cli(settings, "rules", "stats", "--project", "Shop")
    assert "project rules 'Shop rules'" in out and "api rules" not in out
    assert "│ 1 │ No stock    │        1 │      3 │     2 │         │" in out
    assert "│ 2 │ Upper title │        2 │      2 │     2 │ title 2 │" in out
    out = _cli(settings, "rules", "stats", "--project", "Shop", "--rule-set", "AliExpress")
    assert "api rules 'AliExpress'" in out and "sizes 2" in out

    out = _cli(settings, "rules", "explain", "A1", "--project", "Shop", "--rule-set", "AliExpress")
    assert "project rules 'Shop rules' on item A1" in out and "api rules 'AliExpress' on item A1" in out
    assert "not matched" in out and "title: 'Wool jumper' → 'WOOL JUMPER'" in out
    assert "sizes: 'S|M' → ['S', 'M']" in out
    out = _cli(settings, "rules", "explain", "B2", "--project", "Shop")
    assert "excluded" in out and "Excluded by rule 'No stock'." in out and "not reached" in out
    assert "no item has this value" in _cli(settings, "rules", "explain", "Z9", "--project", "Shop", code=1)


def test_templates(settings: Settings) -> None:
    listed = _cli(settings, "rules", "templates")
    assert "cap_title" in listed and "exclude_without_stock_or_price" in listed
    add = (
        "rules",
        "add-template",
        "cap_title",
        "--project",
        "Shop",
        "--rule-set",
        "Shop rules",
        "--param",
        "length=5",
    )
    out = _cli(settings, *add)
    assert "Added rule 'Cap title at 5 characters' to rule set 'Shop rules' (project rules)." in out
    out = _cli(settings, *add)  # the same template again: its rule gets a name of its own
    assert "Added rule 'Cap title at 5 characters 2'" in out
    assert "length_exceeds" in _cli(settings, "rules", "show", "Shop rules", "--project", "Shop")
    out = _cli(settings, "rules", "add-template", "nope", "--project", "Shop", "--rule-set", "x", code=1)
    assert "there is no template 'nope'" in out
    out = _cli(
        settings,
        "rules",
        "add-template",
        "cap_title",
        "--project",
        "Shop",
        "--rule-set",
        "x",
        "--param",
        "colour=red",
        code=1,
    )
    assert "unknown parameter 'colour'" in out
    assert "must be NAME=VALUE" in _cli(
        settings, "rules", "add-template", "cap_title", "-p", "Shop", "-r", "x", "--param", "x", code=1
    )


def test_rule_tests_need_no_database(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'never' / 'fb.db'}")
    (tmp_path / "rules.yaml").write_text(RULES)
    passing = tmp_path / "pass.yaml"
    passing.write_text(
        "rule_set: rules.yaml\ntests:\n  - name: upper and exclude\n"
        "    items: [{id: A1, title: wool, stock: '5'}, {id: B2, stock: '0'}]\n"
        "    expect: [{id: A1, title: WOOL}]\n    excluded: [B2]\n"
    )
    failing = tmp_path / "fail.yaml"
    failing.write_text(
        "rule_set: rules.yaml\ntests:\n  - name: wrong\n    items: [{id: A1, title: wool}]\n    expect: [{id: A1, title: Wool}]\n"
    )
    out = _cli(settings, "rules", "test", str(passing))
    assert "upper and exclude" in out and "passed" in out and "1 tests: 1 passed, 0 failed" in out
    out = _cli(settings, "rules", "test", str(passing), str(failing), code=1)
    assert (
        "FAILED" in out
        and "item 1 (A1) › title: expected 'Wool', got 'WOOL'" in out
        and "2 tests: 1 passed, 1 failed" in out
    )
    broken = tmp_path / "broken.yaml"
    broken.write_text("tests: []\n")
    out = _cli(settings, "rules", "test", str(passing), str(broken), code=2)
    assert "Invalid test file:" in out and "1 tests: 1 passed, 0 failed; 1 invalid files" in out
    assert not (tmp_path / "never").exists()
