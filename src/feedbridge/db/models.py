"""Every ORM model, imported once so `Base.metadata` (and Alembic's autogenerate) sees all tables."""

from feedbridge.accounts.models import Company, User
from feedbridge.apis.models import AliExpressApi
from feedbridge.catalog.models import Import, ImportRun, Snapshot
from feedbridge.categories.models import CategoryLineRecord
from feedbridge.channels.aliexpress.client.shared_limiter import RateLimitSlot
from feedbridge.connections.models import AccountData, Connection, PendingAuthorization
from feedbridge.db.base import Base
from feedbridge.listings.records import BuildRecord
from feedbridge.projects.models import Project
from feedbridge.rules.records import RuleSetRecord

metadata = Base.metadata

__all__ = [
    "AccountData",
    "AliExpressApi",
    "BuildRecord",
    "CategoryLineRecord",
    "Company",
    "Connection",
    "Import",
    "ImportRun",
    "PendingAuthorization",
    "Project",
    "RateLimitSlot",
    "RuleSetRecord",
    "Snapshot",
    "User",
    "metadata",
]
