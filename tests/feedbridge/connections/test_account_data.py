from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from feedbridge.connections import account_data
from feedbridge.connections.context import ConnectionContext
from feedbridge.connections.models import AccountData
from feedbridge.connections.services import remove_connection
from support.clock import SteppingClock

from .conftest import DAY, Connect

APPAREL, AUTOMOBILES, DRESSES = 3, 34, 200003482


def _fetched_at(sessions: sessionmaker[Session], kind: str) -> list[object]:
    with sessions() as session:
        return list(session.scalars(select(AccountData.fetched_at).where(AccountData.kind == kind)))


def test_categories_are_named_in_the_api_language_with_english_fallback(
    connect: Connect, sessions: sessionmaker[Session], ctx: ConnectionContext
) -> None:
    connection = connect()

    french = {c.id: c for c in account_data.category_children(sessions, ctx, connection.id, language="fr")}
    english = {c.id: c for c in account_data.category_children(sessions, ctx, connection.id)}

    assert french[APPAREL].name == "Vêtements et accessoires"
    assert french[AUTOMOBILES].name == "Automobiles & Motorcycles"  # no French name: English
    assert english[APPAREL].name == "Apparel & Accessories"
    assert not french[APPAREL].is_leaf and french[APPAREL].level == 1
    with sessions() as session:
        languages = set(
            session.scalars(select(AccountData.language).where(AccountData.kind == "category_children:0"))
        )
    assert languages == {"fr", "en"}


def test_the_cache_is_read_again_once_it_is_older_than_the_max_age(
    connect: Connect, sessions: sessionmaker[Session], ctx: ConnectionContext, clock: SteppingClock
) -> None:
    connection = connect()
    account_data.freight_templates(sessions, ctx, connection.id)
    first = _fetched_at(sessions, "freight_templates")

    clock.sleep(6 * DAY)
    assert len(account_data.freight_templates(sessions, ctx, connection.id)) == 3
    assert _fetched_at(sessions, "freight_templates") == first

    clock.sleep(1.5 * DAY)
    account_data.freight_templates(sessions, ctx, connection.id)
    assert _fetched_at(sessions, "freight_templates") > first


def test_templates_groups_schemas_and_attributes_come_from_the_account(
    connect: Connect, sessions: sessionmaker[Session], ctx: ConnectionContext
) -> None:
    connection = connect()

    freight = account_data.freight_templates(sessions, ctx, connection.id)
    service = account_data.service_templates(sessions, ctx, connection.id)
    groups = account_data.product_groups(sessions, ctx, connection.id)
    schema = account_data.product_schema(sessions, ctx, connection.id, DRESSES)
    attributes = account_data.category_attributes(sessions, ctx, connection.id, DRESSES, language="es")

    assert sorted(t.template_name for t in freight) == [
        "Express (2-3 days)",
        "Free shipping (EU)",
        "Standard shipping",
    ]
    assert 0 in {t.id for t in service}
    assert {c.group_name for g in groups for c in g.children} == {"Dresses", "Tops", "Shirts", "Trousers"}
    assert schema["type"] == "object" and "category_id" in schema["properties"]
    assert {2, 10} <= {a.id for a in attributes}
    # Read back from the cache, the same typed answers.
    assert account_data.product_groups(sessions, ctx, connection.id) == groups
    assert (
        account_data.category_attributes(sessions, ctx, connection.id, DRESSES, language="es") == attributes
    )


def test_reloading_reads_every_cached_answer_again(
    connect: Connect, sessions: sessionmaker[Session], ctx: ConnectionContext, clock: SteppingClock
) -> None:
    connection = connect()
    account_data.category_children(sessions, ctx, connection.id, APPAREL, language="de")
    account_data.product_schema(sessions, ctx, connection.id, DRESSES)
    before = _fetched_at(sessions, f"category_children:{APPAREL}")
    clock.sleep(60)

    assert account_data.reload_account_data(sessions, ctx, connection.id) == 6
    assert _fetched_at(sessions, f"category_children:{APPAREL}") > before
    with sessions() as session:
        kinds = set(session.scalars(select(AccountData.kind)))
    assert kinds == {
        f"category_children:{APPAREL}",
        f"schema:{DRESSES}",
        "freight_templates",
        "service_templates",
        "product_groups",
        "category_children:0",
    }


def test_removing_a_connection_removes_its_cache(
    connect: Connect, sessions: sessionmaker[Session], ctx: ConnectionContext
) -> None:
    connection = connect()
    account_data.product_groups(sessions, ctx, connection.id)

    with sessions.begin() as session:
        remove_connection(session, connection.company_id, "Main shop")

    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(AccountData)) == 0
