"""Creating companies and users, and signing users in.

Services add and flush; the caller owns the transaction and commits.
"""

import re
import unicodedata
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from feedbridge.accounts.errors import (
    CompanyNotFound,
    EmailTaken,
    InvalidEmail,
    InvalidSlug,
    SlugTaken,
    WeakPassword,
)
from feedbridge.accounts.models import MAX_EMAIL_LENGTH, MAX_SLUG_LENGTH, Company, User
from feedbridge.accounts.passwords import hash_password, needs_rehash, verify_password
from feedbridge.db.base import utcnow
from feedbridge.validation import clean_name

MIN_PASSWORD_LENGTH = 8
# Argon2 accepts any length; the cap stops a multi-megabyte "password" from being hashed.
MAX_PASSWORD_LENGTH = 1024
_EMAIL = re.compile(r"[^@\s]+@(?:[^@\s.]+\.)+[^@\s.]+")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def normalize_email(email: str) -> str:
    """The address trimmed and lowercased, so that uniqueness ignores case."""
    normalized = email.strip().lower()
    if not _EMAIL.fullmatch(normalized):
        raise InvalidEmail(f"'{email.strip()}' is not an e-mail address; enter one like name@example.com.")
    if len(normalized) > MAX_EMAIL_LENGTH:
        raise InvalidEmail(f"is {len(normalized)} characters long; the limit is {MAX_EMAIL_LENGTH}.")
    return normalized


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:MAX_SLUG_LENGTH].rstrip("-")


def _check_slug(slug: str) -> str:
    if not _SLUG.fullmatch(slug) or len(slug) > MAX_SLUG_LENGTH:
        raise InvalidSlug(
            f"'{slug}' is not a valid slug; use up to {MAX_SLUG_LENGTH} lowercase letters a-z, digits "
            "and single hyphens between them, e.g. acme-shop."
        )
    return slug


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"must be at least {MIN_PASSWORD_LENGTH} characters long.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPassword(f"must be at most {MAX_PASSWORD_LENGTH} characters long.")


def create_company(session: Session, name: str, slug: str | None = None) -> Company:
    """A new company; the slug is derived from the name unless given."""
    name = clean_name(name, field="name")
    if slug is None and not (slug := slugify(name)):
        raise InvalidSlug(f"cannot be derived from the name '{name}'; pass one, e.g. acme-shop.")
    slug = _check_slug(slug)
    if session.scalar(select(Company.id).where(Company.slug == slug)) is not None:
        raise SlugTaken(slug)
    company = Company(name=name, slug=slug)
    session.add(company)
    session.flush()
    return company


def create_user(session: Session, *, company_id: int, email: str, password: str, display_name: str) -> User:
    email = normalize_email(email)
    display_name = clean_name(display_name, field="display_name")
    _check_password(password)
    if session.get(Company, company_id) is None:
        raise CompanyNotFound(company_id)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise EmailTaken(email)
    user = User(
        company_id=company_id, email=email, password_hash=hash_password(password), display_name=display_name
    )
    session.add(user)
    session.flush()
    return user


@cache
def _decoy_hash() -> str:
    return hash_password("feedbridge-decoy-password")


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with these credentials, or None; upgrades an outdated hash on success."""
    try:
        user = session.scalar(select(User).where(User.email == normalize_email(email)))
    except InvalidEmail:
        user = None
    if user is None:
        # Spend the same time as a real check, so response times do not reveal which e-mails exist.
        verify_password(_decoy_hash(), password)
        return None
    if not verify_password(user.password_hash, password) or not user.is_active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    session.flush()
    return user
