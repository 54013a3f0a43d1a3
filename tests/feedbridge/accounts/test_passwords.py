from argon2 import PasswordHasher
from hypothesis import given, settings
from hypothesis import strategies as st

from feedbridge.accounts.passwords import hash_password, needs_rehash, verify_password

# Argon2 is deliberately slow (~0.1 s per hash), so fewer examples and no per-example deadline.
slow_hash = settings(max_examples=10, deadline=None)


@slow_hash
@given(password=st.text(), other=st.text())
def test_a_hash_verifies_its_own_password_and_no_other(password: str, other: str) -> None:
    hashed = hash_password(password)
    assert verify_password(hashed, password)
    assert verify_password(hashed, other) == (other == password)


def test_hashes_are_salted() -> None:
    assert hash_password("same password") != hash_password("same password")


def test_an_unreadable_hash_does_not_verify() -> None:
    assert not verify_password("not-an-argon2-hash", "anything")


def test_hashes_made_with_weaker_parameters_need_rehashing() -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("password")
    assert needs_rehash(weak)
    assert not needs_rehash(hash_password("password"))
