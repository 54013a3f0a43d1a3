from datetime import UTC, datetime

import pytest
from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from feedbridge.accounts.errors import (
    CompanyNotFound,
    EmailTaken,
    InvalidEmail,
    InvalidSlug,
    SlugTaken,
    WeakPassword,
)
from feedbridge.accounts.models import Company, User
from feedbridge.accounts.passwords import needs_rehash
from feedbridge.accounts.services import authenticate, create_company, create_user
from feedbridge.errors import InvalidInput

PASSWORD = "correct horse battery"


@pytest.fixture
def company(session: Session) -> Company:
    return create_company(session, "Acme Shop")


@pytest.fixture
def user(session: Session, company: Company) -> User:
    user = create_user(
        session, company_id=company.id, email="  Ann@Example.COM ", password=PASSWORD, display_name="Ann"
    )
    session.commit()
    return user


def test_create_company_derives_a_slug_and_persists(session: Session) -> None:
    company = create_company(session, "  Café   Élan GmbH ")
    session.commit()

    assert (company.name, company.slug) == ("Café Élan GmbH", "cafe-elan-gmbh")
    assert session.get(Company, company.id) is company
    assert company.created_at.tzinfo is UTC


def test_company_slugs_are_unique(session: Session, company: Company) -> None:
    with pytest.raises(SlugTaken, match="'acme-shop' already exists; choose another slug"):
        create_company(session, "Another", slug="acme-shop")
    assert create_company(session, "Acme Shop", slug="acme-shop-2").slug == "acme-shop-2"


@pytest.mark.parametrize("slug", ["Acme Shop", "-acme", "acme--shop", "a" * 64])
def test_invalid_slugs_are_refused_with_the_rule(session: Session, slug: str) -> None:
    with pytest.raises(InvalidSlug, match=r"slug: .* is not a valid slug; use up to 63 lowercase"):
        create_company(session, "Acme", slug=slug)


def test_a_name_without_latin_letters_needs_an_explicit_slug(session: Session) -> None:
    with pytest.raises(InvalidSlug, match="cannot be derived from the name '株式会社'; pass one"):
        create_company(session, "株式会社")
    assert create_company(session, "株式会社", slug="kabushiki").slug == "kabushiki"


def test_company_name_must_not_be_blank(session: Session) -> None:
    with pytest.raises(InvalidInput, match="name: must not be empty"):
        create_company(session, "   ")


def test_user_email_is_stored_lowercased_and_password_hashed(session: Session, user: User) -> None:
    assert user.email == "ann@example.com"
    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith("$argon2id$")
    assert user.is_active
    assert user.last_login_at is None


def test_email_is_unique_whatever_its_case(session: Session, company: Company, user: User) -> None:
    with pytest.raises(EmailTaken, match=r"ann@example\.com already exists"):
        create_user(
            session, company_id=company.id, email="ANN@example.com", password=PASSWORD, display_name="Other"
        )


@pytest.mark.parametrize(
    "email", ["", "ann", "ann@", "@example.com", "ann@example", "a b@example.com", "a@@b.c"]
)
def test_malformed_emails_are_refused(session: Session, company: Company, email: str) -> None:
    with pytest.raises(InvalidEmail, match=r"email: .* is not an e-mail address; enter one like"):
        create_user(session, company_id=company.id, email=email, password=PASSWORD, display_name="Ann")


@pytest.mark.parametrize(("password", "problem"), [("short", "at least 8"), ("x" * 1025, "at most 1024")])
def test_passwords_outside_the_length_limits_are_refused(
    session: Session, company: Company, password: str, problem: str
) -> None:
    with pytest.raises(WeakPassword, match=f"password: must be {problem} characters long"):
        create_user(session, company_id=company.id, email="a@b.co", password=password, display_name="Ann")


def test_users_need_an_existing_company(session: Session) -> None:
    with pytest.raises(CompanyNotFound, match="company 999 does not exist"):
        create_user(session, company_id=999, email="a@b.co", password=PASSWORD, display_name="Ann")


def test_authenticate_returns_the_user_and_records_the_login(session: Session, user: User) -> None:
    before = datetime.now(UTC)

    assert authenticate(session, "ANN@example.com ", PASSWORD) is user

    assert user.last_login_at is not None
    assert user.last_login_at >= before


@pytest.mark.parametrize(
    ("email", "password"),
    [("ann@example.com", "wrong password"), ("nobody@example.com", PASSWORD), ("not an email", PASSWORD)],
)
def test_authenticate_refuses_wrong_credentials(
    session: Session, user: User, email: str, password: str
) -> None:
    assert authenticate(session, email, password) is None


def test_authenticate_refuses_inactive_users(session: Session, user: User) -> None:
    user.is_active = False
    assert authenticate(session, "ann@example.com", PASSWORD) is None


def test_authenticate_upgrades_an_outdated_hash(session: Session, user: User) -> None:
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    session.commit()

    assert authenticate(session, "ann@example.com", PASSWORD) is user
    session.commit()

    session.expire_all()
    assert not needs_rehash(session.get(User, user.id).password_hash)  # type: ignore[union-attr]
    assert authenticate(session, "ann@example.com", PASSWORD) is user
