"""Creating, listing, renaming and (de)activating a company's projects.

Every lookup is scoped by company, so one tenant can never reach another's project.
Services add and flush; the caller owns the transaction and commits.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from feedbridge.accounts.errors import CompanyNotFound
from feedbridge.accounts.models import Company
from feedbridge.projects.errors import ProjectNameTaken, ProjectNotFound
from feedbridge.projects.models import Project
from feedbridge.validation import clean_name


def _ensure_name_free(session: Session, company_id: int, name: str) -> None:
    taken = select(Project.id).where(Project.company_id == company_id, Project.name == name)
    if session.scalar(taken) is not None:
        raise ProjectNameTaken(name)


def create_project(session: Session, company_id: int, name: str) -> Project:
    name = clean_name(name, field="name")
    if session.get(Company, company_id) is None:
        raise CompanyNotFound(company_id)
    _ensure_name_free(session, company_id, name)
    project = Project(company_id=company_id, name=name)
    session.add(project)
    session.flush()
    return project


def list_projects(session: Session, company_id: int, *, include_inactive: bool = True) -> list[Project]:
    query = select(Project).where(Project.company_id == company_id).order_by(Project.name, Project.id)
    if not include_inactive:
        query = query.where(Project.is_active)
    return list(session.scalars(query))


def get_project(session: Session, company_id: int, project_id: int) -> Project:
    project = session.get(Project, project_id)
    if project is None or project.company_id != company_id:
        raise ProjectNotFound(project_id)
    return project


def find_project(session: Session, company_id: int, name: str) -> Project:
    """The company's project called `name` (as the CLI and URLs name projects)."""
    project = session.scalar(
        select(Project).where(Project.company_id == company_id, Project.name == name.strip())
    )
    if project is None:
        raise ProjectNotFound(name)
    return project


def rename_project(session: Session, company_id: int, project_id: int, name: str) -> Project:
    project = get_project(session, company_id, project_id)
    name = clean_name(name, field="name")
    if name != project.name:
        _ensure_name_free(session, company_id, name)
        project.name = name
        session.flush()
    return project


def _set_active(session: Session, company_id: int, project_id: int, active: bool) -> Project:
    project = get_project(session, company_id, project_id)
    project.is_active = active
    session.flush()
    return project


def activate_project(session: Session, company_id: int, project_id: int) -> Project:
    return _set_active(session, company_id, project_id, True)


def deactivate_project(session: Session, company_id: int, project_id: int) -> Project:
    return _set_active(session, company_id, project_id, False)
