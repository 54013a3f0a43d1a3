"""The calculate action's little language: numbers, `{field}`s, + - * /, unary minus and parentheses.

Parsed once when a rule is validated; the compiler turns the tree into a Polars expression.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

TOKEN = re.compile(r"\s*(?:(?P<number>\d+(?:\.\d+)?|\.\d+)|\{(?P<field>[^{}]+)\}|(?P<symbol>[-+*/()]))")

Operator = Literal["+", "-", "*", "/"]


@dataclass(frozen=True)
class Number:
    value: float


@dataclass(frozen=True)
class FieldValue:
    name: str


@dataclass(frozen=True)
class Negate:
    operand: Node


@dataclass(frozen=True)
class Binary:
    operator: Operator
    left: Node
    right: Node


Node = Number | FieldValue | Negate | Binary


def parse_calculation(text: str) -> Node:
    """The tree of `text`; a ValueError saying where it stops making sense."""
    tokens = _tokens(text)
    node, position = _sum(tokens, 0, text)
    if position != len(tokens):
        raise ValueError(f"calculation {text!r}: unexpected {tokens[position][1]!r}")
    return node


def calculation_fields(node: Node) -> list[str]:
    """The fields a calculation reads, in order of appearance."""
    if isinstance(node, FieldValue):
        return [node.name]
    if isinstance(node, Negate):
        return calculation_fields(node.operand)
    if isinstance(node, Binary):
        return calculation_fields(node.left) + calculation_fields(node.right)
    return []


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = TOKEN.match(text, position)
        if match is None:
            raise ValueError(
                f"calculation {text!r}: cannot read {text[position:].strip()[:20]!r} "
                "(write numbers, fields as {name}, + - * / and parentheses)"
            )
        kind = match.lastgroup or "symbol"
        tokens.append((kind, match.group(kind)))
        position = match.end()
    if not tokens:
        raise ValueError("calculation is empty")
    return tokens


def _sum(tokens: list[tuple[str, str]], position: int, text: str) -> tuple[Node, int]:
    node, position = _product(tokens, position, text)
    while position < len(tokens) and tokens[position][1] in ("+", "-"):
        operator = tokens[position][1]
        right, position = _product(tokens, position + 1, text)
        node = Binary("+" if operator == "+" else "-", node, right)
    return node, position


def _product(tokens: list[tuple[str, str]], position: int, text: str) -> tuple[Node, int]:
    node, position = _factor(tokens, position, text)
    while position < len(tokens) and tokens[position][1] in ("*", "/"):
        operator = tokens[position][1]
        right, position = _factor(tokens, position + 1, text)
        node = Binary("*" if operator == "*" else "/", node, right)
    return node, position


def _factor(tokens: list[tuple[str, str]], position: int, text: str) -> tuple[Node, int]:
    if position >= len(tokens):
        raise ValueError(f"calculation {text!r} ends too early")
    kind, value = tokens[position]
    if kind == "number":
        return Number(float(value)), position + 1
    if kind == "field":
        return FieldValue(value.strip()), position + 1
    if value == "-":
        operand, position = _factor(tokens, position + 1, text)
        return Negate(operand), position
    if value == "(":
        node, position = _sum(tokens, position + 1, text)
        if position >= len(tokens) or tokens[position][1] != ")":
            raise ValueError(f"calculation {text!r}: a '(' is not closed")
        return node, position + 1
    raise ValueError(f"calculation {text!r}: unexpected {value!r}")
