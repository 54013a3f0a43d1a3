"""List fields as the platform sends them, in every shape, read as plain lists.

Non-simplified answers wrap a list in an object keyed by its item type (`{"category_info": [...]}`),
simplified answers send the array, and some answers deliver a one-element list as the element itself
(an XML-to-JSON artefact). `AeList[T]` accepts all of them.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import BeforeValidator

T = TypeVar("T")
# Lists of numbers and strings are wrapped as {"number": [...]} and {"string": [...]} (REFERENCE Appendix A).
SCALAR_WRAPPERS = frozenset({"number", "string"})


def unwrap_list(value: Any) -> Any:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, dict) and len(value) == 1:
        ((key, inner),) = value.items()
        if isinstance(inner, list):
            return inner
        # `{"item_type": {...}}` or `{"number": 5}`: a wrapper holding its one element directly.
        if isinstance(inner, dict) or key in SCALAR_WRAPPERS:
            return [inner]
    # A bare element standing for a one-element list.
    return [value]


AeList = Annotated[list[T], BeforeValidator(unwrap_list)]
