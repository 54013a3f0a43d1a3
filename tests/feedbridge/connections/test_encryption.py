from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from feedbridge.config import Settings
from feedbridge.encryption import SecretKeyError, add_key, keep_newest_key, load_keyring, parse_keys


def test_a_missing_key_file_is_created_owner_only(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")

    keyring = load_keyring(settings)

    assert stat.S_IMODE(settings.secret_key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(settings.secret_key_file.parent.stat().st_mode) == 0o700
    assert load_keyring(settings).decrypt(keyring.encrypt("abc"), what="x") == "abc"  # the same key next time


def test_the_environment_key_wins_and_several_keys_decrypt(tmp_path: Path) -> None:
    old, new = Fernet.generate_key(), Fernet.generate_key()
    secret = Fernet(old).encrypt(b"app-secret").decode()
    settings = Settings(data_dir=tmp_path, secret_key=SecretStr(f"{new.decode()}, {old.decode()}"))

    keyring = load_keyring(settings)

    assert keyring.decrypt(secret, what="x") == "app-secret"
    assert Fernet(new).decrypt(keyring.encrypt("t").encode()) == b"t"  # the first key encrypts
    assert not settings.secret_key_file.exists()
    assert repr(keyring) == "Keyring(2 keys)"
    with pytest.raises(SecretKeyError, match="FEEDBRIDGE_SECRET_KEY is set"):
        add_key(settings)


def test_a_bad_key_is_reported_without_showing_it() -> None:
    with pytest.raises(SecretKeyError, match="the key file k: key 2 is not a Fernet key") as error:
        parse_keys(
            f"# newest first\n{Fernet.generate_key().decode()}\nnot-a-real-key-value\n",
            source="the key file k",
        )
    assert "not-a-real-key-value" not in str(error.value)


def test_key_file_rotation_adds_in_front_and_drops_the_rest(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    first = load_keyring(settings)
    secret = first.encrypt("token")

    assert add_key(settings).key_count == 2
    assert load_keyring(settings).decrypt(secret, what="x") == "token"
    keep_newest_key(settings)

    with pytest.raises(SecretKeyError, match="cannot decrypt the token"):
        load_keyring(settings).decrypt(secret, what="the token")
    assert stat.S_IMODE(settings.secret_key_file.stat().st_mode) == 0o600
