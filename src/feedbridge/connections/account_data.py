"""The account data cache: what a seller's account offers (categories, attributes, schemas, templates, groups).

Each answer is kept per connection, kind and language, and read again from AliExpress when it is older
than `account_data_max_age_days` or when asked to (category trees and templates change). Every function
works in its own short transactions: filling the cache may refresh the tokens, which commits on its own.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypedDict, TypeVar

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from feedbridge.categories.tree import FALLBACK_LANGUAGE, pick_name
from feedbridge.channels.aliexpress.client import AliExpressClient, AliExpressError, account, categories
from feedbridge.channels.aliexpress.client.account import FreightTemplate, ProductGroup, ServiceTemplate
from feedbridge.channels.aliexpress.client.categories import CategoryAttribute
from feedbridge.connections.context import ConnectionContext
from feedbridge.connections.errors import ConnectionNotFound, PlatformCallFailed
from feedbridge.connections.models import AccountData, Connection
from feedbridge.connections.tokens import access_token_for

M = TypeVar("M", bound=BaseModel)

ANY_LANGUAGE = ""  # for answers that are the same in every language
FREIGHT_TEMPLATES, SERVICE_TEMPLATES, PRODUCT_GROUPS, CATEGORY_TREE = (
    "freight_templates",
    "service_templates",
    "product_groups",
    "category_tree",
)

Fetch = Callable[[AliExpressClient, str], Any]
# done, total known so far: parents read, and those read plus those still to read.
TreeProgress = Callable[[int, int], None]


@dataclass(frozen=True)
class Category:
    id: int
    name: str  # in the requested language, else English, else any the platform gave
    level: int
    is_leaf: bool


class TreeNode(TypedDict):
    """A category of the full tree as cached: every name the platform gave (language → name)."""

    id: int
    parent_id: int  # 0 for the top level
    level: int
    is_leaf: bool
    names: dict[str, str]


def _fetch_and_store(
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    connection_id: int,
    kind: str,
    language: str,
    fetch: Fetch,
) -> Any:
    token = access_token_for(sessions, ctx, connection_id)
    with sessions() as session:
        connection = session.get(Connection, connection_id)
        if connection is None:
            raise ConnectionNotFound(f"#{connection_id}")
        label = connection.label
        client_context = ctx.client_for(connection)
    with client_context as client:
        try:
            payload = fetch(client, token)
        except AliExpressError as error:
            raise PlatformCallFailed(label, f"reading {kind.replace('_', ' ')}", error) from None
    try:
        with sessions.begin() as session:
            entry = session.scalar(_entry_query(connection_id, kind, language))
            if entry is None:
                entry = AccountData(connection_id=connection_id, kind=kind, language=language)
                session.add(entry)
            entry.payload, entry.fetched_at = payload, ctx.now()
    except IntegrityError:
        pass  # another worker stored the same answer at the same moment
    return payload


def _entry_query(connection_id: int, kind: str, language: str) -> Any:
    return select(AccountData).where(
        AccountData.connection_id == connection_id, AccountData.kind == kind, AccountData.language == language
    )


def _cached(
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    connection_id: int,
    kind: str,
    language: str,
    fetch: Fetch,
    *,
    refresh: bool,
) -> Any:
    if not refresh:
        with sessions() as session:
            entry = session.scalar(_entry_query(connection_id, kind, language))
            max_age = timedelta(days=ctx.settings.account_data_max_age_days)
            if entry is not None and ctx.now() - entry.fetched_at < max_age:
                return entry.payload
    return _fetch_and_store(sessions, ctx, connection_id, kind, language, fetch)


def category_children(
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    connection_id: int,
    parent_id: int = categories.ROOT,
    *,
    language: str = FALLBACK_LANGUAGE,
    refresh: bool = False,
) -> list[Category]:
    """The categories under `parent_id` (0: the roots) the seller may post in, named in `language`."""

    def fetch(client: AliExpressClient, token: str) -> list[dict[str, Any]]:
        nodes = categories.category_children(client, token, parent_id)
        return [
            {"id": n.id, "name": pick_name(n.names, language), "level": n.level, "is_leaf": n.is_leaf}
            for n in nodes
        ]

    payload = _cached(
        sessions, ctx, connection_id, f"category_children:{parent_id}", language, fetch, refresh=refresh
    )
    return [Category(**item) for item in payload]


def category_tree(
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    connection_id: int,
    *,
    refresh: bool = False,
    progress: TreeProgress | None = None,
) -> list[TreeNode]:
    """Every category the seller may post in, top level first, with all its names.

    Read breadth first, one call per category that has children (several hundred on AliExpress), with
    one token and one client, so the client's limiter spaces the calls for the whole walk.
    """

    def fetch(client: AliExpressClient, token: str) -> list[TreeNode]:
        nodes: list[TreeNode] = []
        parents, seen = deque([categories.ROOT]), {categories.ROOT}
        while parents:
            parent = parents.popleft()
            for child in categories.category_children(client, token, parent, only_permitted=True):
                node = TreeNode(
                    id=child.id, parent_id=parent, level=child.level, is_leaf=child.is_leaf, names=child.names
                )
                nodes.append(node)
                if not child.is_leaf and child.id not in seen:  # a malformed answer cannot loop the walk
                    seen.add(child.id)
                    parents.append(child.id)
            if progress is not None:
                progress(len(seen) - len(parents), len(seen))
        return nodes

    nodes: list[TreeNode] = _cached(
        sessions, ctx, connection_id, CATEGORY_TREE, ANY_LANGUAGE, fetch, refresh=refresh
    )
    return nodes


def category_attributes(
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    connection_id: int,
    category_id: int,
    *,
    language: str = FALLBACK_LANGUAGE,
    refresh: bool = False,
) -> list[CategoryAttribute]:
    def fetch(client: AliExpressClient, token: str) -> list[dict[str, Any]]:
        found = categories.category_attributes(client, token, category_id, categories.LOCALES.get(language))
        return [attribute.model_dump(mode="json") for attribute in found]

    payload = _cached(
        sessions, ctx, connection_id, f"attributes:{category_id}", language, fetch, refresh=refresh
    )
    return [CategoryAttribute.model_validate(item) for item in payload]


def product_schema(
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    connection_id: int,
    category_id: int,
    *,
    refresh: bool = False,
) -> dict[str, Any]:
    def fetch(client: AliExpressClient, token: str) -> dict[str, Any]:
        return categories.product_schema(client, token, category_id)

    schema: dict[str, Any] = _cached(
        sessions, ctx, connection_id, f"schema:{category_id}", ANY_LANGUAGE, fetch, refresh=refresh
    )
    return schema


def _cached_models(
    sessions: sessionmaker[Session],
    ctx: ConnectionContext,
    connection_id: int,
    kind: str,
    read: Callable[[AliExpressClient, str], Sequence[M]],
    model: type[M],
    *,
    refresh: bool,
) -> list[M]:
    """A language-free list of account models (templates, groups), cached as JSON."""

    def fetch(client: AliExpressClient, token: str) -> list[dict[str, Any]]:
        return [item.model_dump(mode="json") for item in read(client, token)]

    payload = _cached(sessions, ctx, connection_id, kind, ANY_LANGUAGE, fetch, refresh=refresh)
    return [model.model_validate(item) for item in payload]


def freight_templates(
    sessions: sessionmaker[Session], ctx: ConnectionContext, connection_id: int, *, refresh: bool = False
) -> list[FreightTemplate]:
    return _cached_models(
        sessions,
        ctx,
        connection_id,
        FREIGHT_TEMPLATES,
        account.freight_templates,
        FreightTemplate,
        refresh=refresh,
    )


def service_templates(
    sessions: sessionmaker[Session], ctx: ConnectionContext, connection_id: int, *, refresh: bool = False
) -> list[ServiceTemplate]:
    return _cached_models(
        sessions,
        ctx,
        connection_id,
        SERVICE_TEMPLATES,
        account.service_templates,
        ServiceTemplate,
        refresh=refresh,
    )


def product_groups(
    sessions: sessionmaker[Session], ctx: ConnectionContext, connection_id: int, *, refresh: bool = False
) -> list[ProductGroup]:
    return _cached_models(
        sessions, ctx, connection_id, PRODUCT_GROUPS, account.product_groups, ProductGroup, refresh=refresh
    )


@dataclass(frozen=True)
class CachedEntry:
    kind: str
    language: str
    fetched_at: datetime


def cached_entries(session: Session, connection_id: int) -> list[CachedEntry]:
    query = (
        select(AccountData.kind, AccountData.language, AccountData.fetched_at)
        .where(AccountData.connection_id == connection_id)
        .order_by(AccountData.kind, AccountData.language)
    )
    return [CachedEntry(*row) for row in session.execute(query)]


def reload_account_data(sessions: sessionmaker[Session], ctx: ConnectionContext, connection_id: int) -> int:
    """Read everything cached for the connection again (and at least templates, groups and the root
    categories); returns how many answers were read."""
    with sessions() as session:
        entries = {(entry.kind, entry.language) for entry in cached_entries(session, connection_id)}
    entries |= {
        (FREIGHT_TEMPLATES, ANY_LANGUAGE),
        (SERVICE_TEMPLATES, ANY_LANGUAGE),
        (PRODUCT_GROUPS, ANY_LANGUAGE),
    }
    if not any(kind == f"category_children:{categories.ROOT}" for kind, _ in entries):
        entries.add((f"category_children:{categories.ROOT}", FALLBACK_LANGUAGE))
    for kind, language in sorted(entries):
        _reload(sessions, ctx, connection_id, kind, language)
    return len(entries)


def _reload(
    sessions: sessionmaker[Session], ctx: ConnectionContext, connection_id: int, kind: str, language: str
) -> None:
    name, _, argument = kind.partition(":")
    if name == "category_children":
        category_children(sessions, ctx, connection_id, int(argument), language=language, refresh=True)
    elif name == "attributes":
        category_attributes(sessions, ctx, connection_id, int(argument), language=language, refresh=True)
    elif name == "schema":
        product_schema(sessions, ctx, connection_id, int(argument), refresh=True)
    elif name == CATEGORY_TREE:
        category_tree(sessions, ctx, connection_id, refresh=True)
    elif name == FREIGHT_TEMPLATES:
        freight_templates(sessions, ctx, connection_id, refresh=True)
    elif name == SERVICE_TEMPLATES:
        service_templates(sessions, ctx, connection_id, refresh=True)
    elif name == PRODUCT_GROUPS:
        product_groups(sessions, ctx, connection_id, refresh=True)
