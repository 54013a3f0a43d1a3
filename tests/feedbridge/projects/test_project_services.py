from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from feedbridge.accounts.errors import CompanyNotFound
from feedbridge.accounts.models import Company
from feedbridge.accounts.services import create_company
from feedbridge.errors import InvalidInput
from feedbridge.projects.errors import ProjectNameTaken, ProjectNotFound
from feedbridge.projects.services import (
    activate_project,
    create_project,
    deactivate_project,
    list_projects,
    rename_project,
)


@pytest.fixture
def acme(session: Session) -> Company:
    return create_company(session, "Acme")


@pytest.fixture
def globex(session: Session) -> Company:
    return create_company(session, "Globex")


def test_created_projects_are_active_and_listed_by_name(session: Session, acme: Company) -> None:
    create_project(session, acme.id, "Shoes")
    create_project(session, acme.id, "  Bags  ")
    session.commit()

    projects = list_projects(session, acme.id)

    assert [(p.name, p.is_active) for p in projects] == [("Bags", True), ("Shoes", True)]
    assert projects[0].created_at.tzinfo is not None


def test_names_are_unique_within_a_company_only(session: Session, acme: Company, globex: Company) -> None:
    create_project(session, acme.id, "Shoes")

    with pytest.raises(ProjectNameTaken, match="a project named 'Shoes' already exists in this company"):
        create_project(session, acme.id, "Shoes")
    assert create_project(session, globex.id, "Shoes").company_id == globex.id


def test_blank_names_are_refused(session: Session, acme: Company) -> None:
    with pytest.raises(InvalidInput, match="name: must not be empty"):
        create_project(session, acme.id, " \t ")


def test_projects_need_an_existing_company(session: Session) -> None:
    with pytest.raises(CompanyNotFound):
        create_project(session, 404, "Shoes")


def test_deactivate_and_activate(session: Session, acme: Company) -> None:
    project = create_project(session, acme.id, "Shoes")
    create_project(session, acme.id, "Bags")

    deactivate_project(session, acme.id, project.id)
    session.commit()
    assert [p.name for p in list_projects(session, acme.id, include_inactive=False)] == ["Bags"]
    assert {p.name for p in list_projects(session, acme.id)} == {"Bags", "Shoes"}

    assert activate_project(session, acme.id, project.id).is_active
    assert [p.name for p in list_projects(session, acme.id, include_inactive=False)] == ["Bags", "Shoes"]


def test_rename(session: Session, acme: Company) -> None:
    project = create_project(session, acme.id, "Shoes")
    create_project(session, acme.id, "Bags")
    long_ago = datetime(2000, 1, 1, tzinfo=UTC)
    project.created_at = project.updated_at = long_ago
    session.commit()

    rename_project(session, acme.id, project.id, "Sneakers")
    session.commit()

    assert [p.name for p in list_projects(session, acme.id)] == ["Bags", "Sneakers"]
    assert project.created_at == long_ago
    assert project.updated_at > long_ago
    with pytest.raises(ProjectNameTaken, match="'Bags' already exists"):
        rename_project(session, acme.id, project.id, "Bags")
    assert rename_project(session, acme.id, project.id, " Sneakers ").name == "Sneakers"


def test_another_companys_project_cannot_be_reached(session: Session, acme: Company, globex: Company) -> None:
    project = create_project(session, acme.id, "Shoes")

    for change in (activate_project, deactivate_project):
        with pytest.raises(ProjectNotFound, match=f"project {project.id} does not exist in this company"):
            change(session, globex.id, project.id)
    with pytest.raises(ProjectNotFound):
        rename_project(session, globex.id, project.id, "Mine now")
    assert list_projects(session, globex.id) == []
