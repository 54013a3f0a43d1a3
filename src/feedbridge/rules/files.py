"""Rule sets as files (rules-as-code): readable YAML or JSON that round-trips exactly.

Written with `if`/`then`/`else` keys in the model's field order, without values that equal their
defaults, with Unicode kept. YAML is read with a SafeLoader whose plain scalars are text or null:
the model turns "true", "5" or "2026-01-31" into what each field needs, and values such as `9.90`,
`0012` or `no` stay exactly as written (plain `yaml.safe_load` would make them 9.9, 12 and False).
Duplicate keys are refused rather than silently overwritten.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Hashable
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from feedbridge.errors import InvalidInput
from feedbridge.rules.model import RuleSet
from feedbridge.rules.validation import parse_rule_set

# Discriminators are written even where they have a default (`op: all`), or the part would be unreadable.
_ALWAYS_WRITTEN = frozenset({"op", "action"})
_NULL_TAG = "tag:yaml.org,2002:null"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_NO_WRAP = 1 << 30
_EXACT_INTEGERS = 2**53
_OTHER_BREAKS = frozenset("\r\x85\u2028\u2029")


class FileFormat(StrEnum):
    YAML = "yaml"
    JSON = "json"

    @classmethod
    def of(cls, path: Path) -> FileFormat:
        suffix = path.suffix.lower()
        if suffix in (".yaml", ".yml"):
            return cls.YAML
        if suffix == ".json":
            return cls.JSON
        raise InvalidInput(str(path), "rule files end in .yaml, .yml or .json; rename the file.")


# --- writing -----------------------------------------------------------------------------------------


def rule_set_data(rule_set: RuleSet) -> dict[str, Any]:
    """The rule set as plain JSON data by alias, without default values (what files and the DB hold)."""
    data = plain_data(rule_set)
    assert isinstance(data, dict)
    return data


def plain_data(value: Any) -> Any:
    """A model (or anything holding models) as plain JSON data by alias, without default values (the
    discriminators `op` and `action` are always written)."""
    if isinstance(value, BaseModel):
        fields = type(value).model_fields
        out: dict[str, Any] = {}
        for name, info in fields.items():
            item = getattr(value, name)
            if (
                name not in _ALWAYS_WRITTEN
                and not info.is_required()
                and item == info.get_default(call_default_factory=True)
            ):
                continue
            out[info.alias or name] = plain_data(item)
        return out
    if isinstance(value, list):
        return [plain_data(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < _EXACT_INTEGERS:
        return int(value)  # `value: 10`, not `value: 10.0`
    return value


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # indent lists under their key: easier to read


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Multi-line text as a block (the emitter falls back to quotes where a block cannot hold it). The
    # other line breaks YAML knows are only kept exactly inside double quotes, as escapes.
    style = '"' if _OTHER_BREAKS.intersection(value) else "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def dump_data(data: Any, fmt: FileFormat) -> str:
    if fmt is FileFormat.JSON:
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=_NO_WRAP)


def rule_set_text(rule_set: RuleSet, fmt: FileFormat = FileFormat.YAML) -> str:
    return dump_data(rule_set_data(rule_set), fmt)


def dump_file(data: Any, path: Path) -> None:
    """Plain data to a YAML or JSON file (by its suffix), as rule files are written."""
    text = dump_data(data, FileFormat.of(path))
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise InvalidInput(str(path), f"cannot be written ({error.strerror}); check the path.") from None


def dump_rule_set(rule_set: RuleSet, path: Path) -> None:
    dump_file(rule_set_data(rule_set), path)


# --- reading -----------------------------------------------------------------------------------------


class _TextLoader(yaml.SafeLoader):
    """SafeLoader whose plain scalars resolve to null or text only, and which refuses duplicate keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:  # `<<: *defaults` may be overridden on purpose
                continue
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} appears twice in one mapping", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep)


_TextLoader.yaml_implicit_resolvers = {
    first: kept
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    if (kept := [(tag, rx) for tag, rx in resolvers if tag in (_NULL_TAG, _MERGE_TAG)])
}


def parse_text(text: str, fmt: FileFormat, *, source: str) -> Any:
    """YAML or JSON text as data, or InvalidInput naming the line and column of a syntax error."""
    if fmt is FileFormat.JSON:
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise InvalidInput(
                source, f"line {error.lineno}, column {error.colno}: {error.msg}; fix the JSON there."
            ) from None
    try:
        return yaml.load(text, Loader=_TextLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise InvalidInput(
            source, f"{where}{error.problem or error.context}; check the indentation and quoting there."
        ) from None
    except yaml.YAMLError as error:
        raise InvalidInput(source, f"is not valid YAML ({error}).") from None


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput(str(path), "does not exist; check the path.") from None
    except UnicodeDecodeError:
        raise InvalidInput(str(path), "is not UTF-8 text; save it as UTF-8.") from None
    except OSError as error:
        raise InvalidInput(str(path), f"cannot be read ({error.strerror}).") from None


def load_data(path: Path) -> Any:
    """A YAML or JSON file (by its suffix) as data."""
    return parse_text(read_text(path), FileFormat.of(path), source=str(path))


def rule_set_from_data(data: Any, *, source: str) -> RuleSet:
    if data is None:
        raise InvalidInput(source, "is empty; a rule set needs a name and rules.")
    if not isinstance(data, dict):
        raise InvalidInput(source, "must hold a mapping with 'name' and 'rules', not a list or a value.")
    return parse_rule_set(data, source=source)


def load_rule_set(path: Path) -> RuleSet:
    """The rule set in a YAML or JSON file; InvalidInput (or InvalidRules) saying what is wrong where."""
    return rule_set_from_data(load_data(path), source=str(path))
