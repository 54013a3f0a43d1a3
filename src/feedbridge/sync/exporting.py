"""The exporter of an API's channel, ready to call: its connection checked (and its token refreshed), a
client, and the photobank. An expired connection raises ConnectionExpired here, before anything is sent."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session, sessionmaker

from feedbridge.apis.models import AliExpressApi
from feedbridge.channels.aliexpress.exporter import AliExpressExporter, FeedUse
from feedbridge.channels.aliexpress.images import Photobank
from feedbridge.connections.context import ConnectionContext
from feedbridge.connections.models import Connection
from feedbridge.connections.tokens import access_token_for
from feedbridge.sync.settings import sync_settings


@contextmanager
def open_exporter(
    sessions: sessionmaker[Session], ctx: ConnectionContext, api_id: int
) -> Iterator[AliExpressExporter]:
    with sessions() as session:
        api = session.get_one(AliExpressApi, api_id)
        connection_id = api.connection_id
        use = FeedUse(sync_settings(api.settings).feed_min_listings, ctx.settings.sync_feeds_per_day)
    token = access_token_for(sessions, ctx, connection_id)
    with sessions() as session:
        connection = session.get_one(Connection, connection_id)
        client_context = ctx.client_for(connection)
    with client_context as client:
        photobank = Photobank(sessions, ctx.settings, connection_id, client, token)
        try:
            yield AliExpressExporter(client, token, photobank, use)
        finally:
            photobank.close()
