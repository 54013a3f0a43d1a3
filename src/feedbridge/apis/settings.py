"""Sections of an API's `settings` JSON, each a frozen pydantic model under its own key (run settings
under "sync", AI categorization under "categories"). Missing values take the model's defaults, so APIs
created before a setting existed behave as documented."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from feedbridge.errors import InvalidInput

S = TypeVar("S", bound=BaseModel)


def settings_section(api_settings: dict[str, Any], key: str, model: type[S]) -> S:
    return model.model_validate(api_settings.get(key) or {})


def changed_section(
    api_settings: dict[str, Any], key: str, model: type[S], changes: dict[str, Any], doc: str
) -> dict[str, Any]:
    """The API's settings with section `key` changed; raises InvalidInput naming the bad setting and
    pointing at `doc`."""
    current = settings_section(api_settings, key, model).model_dump(mode="json")
    try:
        updated = model.model_validate({**current, **changes})
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or key
        raise InvalidInput(where, f"{first['msg']}; see {doc} for these settings.") from None
    return {**api_settings, key: updated.model_dump(mode="json")}
