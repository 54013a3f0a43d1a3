"""Which company a command works for: --company SLUG, or the only one there is."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from feedbridge.accounts.models import Company
from feedbridge.accounts.services import create_company
from feedbridge.errors import FeedbridgeError, NotFound

DEFAULT_COMPANY = "default"

CompanyOption = Annotated[
    str | None,
    typer.Option(
        "--company",
        envvar="FEEDBRIDGE_COMPANY",
        help="Company slug. Default: the only company ('default' is created by commands that add things).",
    ),
]


class NoCompany(NotFound):
    pass


def resolve_company(session: Session, slug: str | None, *, create: bool) -> int:
    """The company named by `slug`, else the only one; with `create`, a first company 'default' is made."""
    if slug:
        found = session.scalar(select(Company.id).where(Company.slug == slug))
        if found is None:
            raise NoCompany(f"there is no company with slug '{slug}'; check --company.")
        return found
    ids = list(session.scalars(select(Company.id).order_by(Company.id).limit(2)))
    if len(ids) == 1:
        return ids[0]
    if ids:
        raise FeedbridgeError("there are several companies; choose one with --company SLUG.")
    if not create:
        raise NoCompany(
            "there is no company yet; create a project (feedbridge projects create NAME) "
            "or a connection (feedbridge connections add LABEL --app-key KEY) first."
        )
    return create_company(session, "Default", DEFAULT_COMPANY).id
