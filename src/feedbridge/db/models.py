"""Every ORM model, imported once so `Base.metadata` (and Alembic's autogenerate) sees all tables."""

from feedbridge.accounts.models import Company, User
from feedbridge.db.base import Base
from feedbridge.projects.models import Project

metadata = Base.metadata

__all__ = ["Company", "Project", "User", "metadata"]
