"""Creating, finding, editing, (de)activating and deleting a project's AliExpress APIs.

Every lookup is scoped by company through the API's project. Services add and flush; the caller owns
the transaction and commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from feedbridge.apis.errors import ApiNameTaken, ApiNotFound, UniqueIdFieldFixed
from feedbridge.apis.models import AliExpressApi, Language
from feedbridge.catalog.errors import NoItems
from feedbridge.catalog.items import current_items
from feedbridge.connections.models import Connection
from feedbridge.errors import InvalidInput, NotFound
from feedbridge.projects.models import Project
from feedbridge.projects.services import get_project
from feedbridge.rules.model import Layer
from feedbridge.rules.services import get_rule_set
from feedbridge.validation import clean_name


@dataclass(frozen=True)
class Activation:
    api: AliExpressApi
    project_active: bool  # a run needs both the project and the API active

    @property
    def runnable(self) -> bool:
        return self.api.is_active and self.project_active


def recommended_unique_id_field(session: Session, company_id: int, project_id: int) -> str | None:
    """The project's own unique ID field, when it has items (None before its first import run)."""
    try:
        return current_items(session, company_id, project_id).id_field
    except NoItems:
        return None


def create_api(
    session: Session,
    company_id: int,
    project_id: int,
    name: str,
    *,
    connection_id: int,
    language: str,
    unique_id_field: str | None = None,
    rule_set_id: int | None = None,
    settings: dict[str, Any] | None = None,
) -> AliExpressApi:
    project = get_project(session, company_id, project_id)
    name = clean_name(name, field="name")
    _ensure_name_free(session, project.id, name)
    api = AliExpressApi(
        project_id=project.id,
        connection_id=_connection(session, company_id, connection_id).id,
        name=name,
        language=_language(language),
        unique_id_field=_unique_id_field(session, company_id, project, unique_id_field),
        rule_set_id=_rule_set_id(session, company_id, project.id, rule_set_id),
        settings=_settings(settings or {}),
    )
    session.add(api)
    session.flush()
    return api


def get_api(session: Session, company_id: int, api_id: int) -> AliExpressApi:
    api = session.get(AliExpressApi, api_id)
    # Another company's API is reported as missing, like one that does not exist.
    if api is None or session.get_one(Project, api.project_id).company_id != company_id:
        raise ApiNotFound(api_id)
    return api


def find_api(session: Session, company_id: int, project_id: int, name: str) -> AliExpressApi:
    """The project's API called `name` (as the CLI names APIs)."""
    project = get_project(session, company_id, project_id)
    query = select(AliExpressApi).where(
        AliExpressApi.project_id == project.id, AliExpressApi.name == " ".join(name.split())
    )
    api = session.scalar(query)
    if api is None:
        raise ApiNotFound(name)
    return api


def list_apis(session: Session, company_id: int, project_id: int) -> list[AliExpressApi]:
    project = get_project(session, company_id, project_id)
    query = select(AliExpressApi).where(AliExpressApi.project_id == project.id)
    return list(session.scalars(query.order_by(AliExpressApi.name, AliExpressApi.id)))


def edit_api(
    session: Session,
    company_id: int,
    api_id: int,
    *,
    name: str | None = None,
    language: str | None = None,
    connection_id: int | None = None,
    settings: dict[str, Any] | None = None,
    unique_id_field: str | None = None,
) -> AliExpressApi:
    """Change what is given; the unique ID field may only be "changed" to the value it has."""
    api = get_api(session, company_id, api_id)
    if unique_id_field is not None and unique_id_field.strip() != api.unique_id_field:
        raise UniqueIdFieldFixed(api.name, api.unique_id_field)
    if name is not None and (name := clean_name(name, field="name")) != api.name:
        _ensure_name_free(session, api.project_id, name)
        api.name = name
    if language is not None:
        api.language = _language(language)
    if connection_id is not None:
        api.connection_id = _connection(session, company_id, connection_id).id
    if settings is not None:
        api.settings = _settings(settings)
    session.flush()
    return api


def set_rule_set(session: Session, company_id: int, api_id: int, rule_set_id: int | None) -> AliExpressApi:
    """Use the API rule set `rule_set_id` (None: the API runs without API rules)."""
    api = get_api(session, company_id, api_id)
    api.rule_set_id = _rule_set_id(session, company_id, api.project_id, rule_set_id)
    session.flush()
    return api


def activate_api(session: Session, company_id: int, api_id: int) -> Activation:
    # Issue 6's quality summary belongs here: activating stays allowed with open mandatory issues, and
    # the Activation will report how many listings a run skips because of them.
    return _set_active(session, company_id, api_id, True)


def deactivate_api(session: Session, company_id: int, api_id: int) -> Activation:
    return _set_active(session, company_id, api_id, False)


def delete_api(session: Session, company_id: int, api_id: int) -> None:
    """Forget the API's setup; nothing on AliExpress is touched."""
    session.delete(get_api(session, company_id, api_id))
    session.flush()


def _set_active(session: Session, company_id: int, api_id: int, active: bool) -> Activation:
    api = get_api(session, company_id, api_id)
    api.is_active = active
    session.flush()
    project = session.get_one(Project, api.project_id)
    return Activation(api, project.is_active)


def _ensure_name_free(session: Session, project_id: int, name: str) -> None:
    taken = select(AliExpressApi.id).where(AliExpressApi.project_id == project_id, AliExpressApi.name == name)
    if session.scalar(taken) is not None:
        raise ApiNameTaken(name)


def _connection(session: Session, company_id: int, connection_id: int) -> Connection:
    connection = session.get(Connection, connection_id)
    if connection is None or connection.company_id != company_id:
        raise NotFound(
            f"connection {connection_id} does not exist in this company; `feedbridge connections list` shows them."
        )
    return connection


def _language(value: str) -> str:
    try:
        return Language(value.strip().lower()).value
    except ValueError:
        choices = " ".join(language.value for language in Language)
        raise InvalidInput(
            "language", f"'{value}' is not an AliExpress main language; use one of: {choices}."
        ) from None


def _unique_id_field(session: Session, company_id: int, project: Project, field: str | None) -> str:
    try:
        items = current_items(session, company_id, project.id)
    except NoItems:
        items = None
    if field is None:
        if items is None:
            raise InvalidInput(
                "unique ID field",
                f"project '{project.name}' has no items yet to recommend one from; name the field that "
                "identifies each item (it becomes the SKU code), or run an import first.",
            )
        return items.id_field
    field = clean_name(field, field="unique ID field")
    # Before the first import run the fields are unknown, so any name is accepted.
    if items is not None and field not in items.field_types:
        raise InvalidInput(
            "unique ID field",
            f"project '{project.name}' has no field '{field}'; use one of its fields, e.g. '{items.id_field}'.",
        )
    return field


def _rule_set_id(session: Session, company_id: int, project_id: int, rule_set_id: int | None) -> int | None:
    if rule_set_id is None:
        return None
    record = get_rule_set(session, company_id, rule_set_id)
    if record.project_id != project_id or record.layer != Layer.API:
        raise InvalidInput(
            "rule set",
            f"rule set '{record.name}' is not an API rule set of this project; choose one of the project's "
            "rule sets of layer 'api' (`feedbridge rules list`).",
        )
    return record.id


def _settings(settings: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(settings, dict):
        raise InvalidInput("settings", "must be a JSON object of setting names and values.")
    return settings
