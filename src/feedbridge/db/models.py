"""Every ORM model, imported once so `Base.metadata` (and Alembic's autogenerate) sees all tables."""

from feedbridge.accounts.models import Company, User
from feedbridge.apis.models import AliExpressApi
from feedbridge.catalog.models import Import, ImportRun, Snapshot
from feedbridge.categories.models import CategoryLineRecord
from feedbridge.channels.aliexpress.client.shared_limiter import RateLimitSlot
from feedbridge.channels.aliexpress.image_records import PhotobankImage
from feedbridge.connections.models import AccountData, Connection, PendingAuthorization
from feedbridge.db.base import Base
from feedbridge.listings.records import BuildRecord
from feedbridge.projects.models import Project
from feedbridge.rules.records import RuleSetRecord
from feedbridge.sync.models import Binding, IgnoredProduct, SyncResult, SyncRun, SyncSchedule

metadata = Base.metadata

__all__ = [
    "AccountData",
    "AliExpressApi",
    "Binding",
    "BuildRecord",
    "CategoryLineRecord",
    "Company",
    "Connection",
    "IgnoredProduct",
    "Import",
    "ImportRun",
    "PendingAuthorization",
    "PhotobankImage",
    "Project",
    "RateLimitSlot",
    "RuleSetRecord",
    "Snapshot",
    "SyncResult",
    "SyncRun",
    "SyncSchedule",
    "User",
    "metadata",
]
