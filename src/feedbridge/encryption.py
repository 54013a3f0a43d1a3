"""Secrets at rest (app secrets, tokens): a Fernet keyring from the environment or from a key file.

The keys never reach the database. Several keys may be configured, newest first: the newest encrypts and
every key decrypts (MultiFernet). That is what key rotation needs: put a new key in front, re-encrypt every
stored value, then drop the old keys.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from feedbridge.config import Settings
from feedbridge.errors import FeedbridgeError

# Fernet keys are URL-safe base64, so commas and whitespace can separate them.
_SEPARATORS = re.compile(r"[\s,]+")


class SecretKeyError(FeedbridgeError):
    """The encryption key is missing, malformed, or does not open a stored secret."""


class Keyring:
    """Encrypts with the newest key, decrypts with any; holds no plaintext and shows no key in its repr."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise SecretKeyError("no encryption key is configured; set FEEDBRIDGE_SECRET_KEY or a key file.")
        self._fernet = MultiFernet([Fernet(key) for key in keys])
        self.key_count = len(keys)

    def __repr__(self) -> str:
        return f"Keyring({self.key_count} key{'s' if self.key_count != 1 else ''})"

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, ciphertext: str, *, what: str) -> str:
        try:
            return self._fernet.decrypt(ciphertext.encode()).decode()
        except InvalidToken:
            raise SecretKeyError(
                f"cannot decrypt {what}: none of the configured keys opens it. Configure the key it was "
                "encrypted with (FEEDBRIDGE_SECRET_KEY or FEEDBRIDGE_SECRET_KEY_FILE), newest key first."
            ) from None

    def rotate(self, ciphertext: str, *, what: str) -> str:
        """The same secret, re-encrypted with the newest key."""
        try:
            return self._fernet.rotate(ciphertext.encode()).decode()
        except InvalidToken:
            raise SecretKeyError(
                f"cannot re-encrypt {what}: none of the configured keys opens it; nothing was changed."
            ) from None


def parse_keys(text: str, *, source: str) -> list[bytes]:
    """The keys in `text` (separated by newlines, spaces or commas; `#` starts a comment line)."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    keys = [part.encode() for part in _SEPARATORS.split(" ".join(lines)) if part]
    for number, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            # The key itself is never echoed: it may be a real key with a typo.
            raise SecretKeyError(
                f"{source}: key {number} is not a Fernet key (32 URL-safe base64-encoded bytes). Generate one "
                'with: python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
            ) from None
    if not keys:
        raise SecretKeyError(f"{source} holds no key; put one key per line, newest first.")
    return keys


def _write_key_file(path: Path, keys: Sequence[bytes]) -> None:
    """Replace the key file atomically (owner-only): a crash leaves either the old file or the new one."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(b"".join(key + b"\n" for key in keys))
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)


def _create_key_file(path: Path) -> None:
    """Create the key file with a fresh key unless it exists; two processes starting at once agree on one key."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.new")
    _write_key_file(temporary, [Fernet.generate_key()])
    try:
        os.link(temporary, path)  # fails if another process created the file first: theirs wins
    except FileExistsError:
        pass
    finally:
        temporary.unlink()


def _file_keys(path: Path) -> list[bytes]:
    try:
        return parse_keys(path.read_text(), source=f"the key file {path}")
    except OSError as error:
        raise SecretKeyError(
            f"cannot read the key file {path}: {error.strerror}; check FEEDBRIDGE_SECRET_KEY_FILE."
        ) from None


def load_keyring(settings: Settings) -> Keyring:
    """The configured keyring: FEEDBRIDGE_SECRET_KEY, else the key file (created with a fresh key if missing)."""
    if settings.secret_key is not None:
        return Keyring(parse_keys(settings.secret_key.get_secret_value(), source="FEEDBRIDGE_SECRET_KEY"))
    path = settings.secret_key_file
    if not path.exists():
        _create_key_file(path)
    return Keyring(_file_keys(path))


def _key_file_only(settings: Settings, action: str) -> Path:
    if settings.secret_key is not None:
        raise SecretKeyError(
            f"FEEDBRIDGE_SECRET_KEY is set, so feedbridge cannot {action} itself: put the new key in front "
            "of the old one in that variable (separated by a comma), run the rotation, then remove the old key."
        )
    return settings.secret_key_file


def add_key(settings: Settings) -> Keyring:
    """Put a fresh key in front of the key file's keys and return the new keyring."""
    path = _key_file_only(settings, "add a key")
    keys = [Fernet.generate_key(), *_file_keys(path)] if path.exists() else [Fernet.generate_key()]
    _write_key_file(path, keys)
    return Keyring(keys)


def keep_newest_key(settings: Settings) -> Keyring:
    """Drop every key but the newest from the key file; call only once nothing needs the old keys."""
    path = _key_file_only(settings, "drop keys")
    newest = _file_keys(path)[:1]
    _write_key_file(path, newest)
    return Keyring(newest)


def newest_only(settings: Settings) -> Keyring:
    """The keyring with just the newest configured key, to check that nothing still needs an older one."""
    if settings.secret_key is not None:
        keys = parse_keys(settings.secret_key.get_secret_value(), source="FEEDBRIDGE_SECRET_KEY")
    else:
        keys = _file_keys(settings.secret_key_file)
    return Keyring(keys[:1])
