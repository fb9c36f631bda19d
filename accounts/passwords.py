"""Password hashing with argon2 (argon2-cffi), and the password rules.

Why argon2: a stolen accounts table must not give away passwords. argon2id is
slow and memory-hard on purpose, so guessing offline costs real hardware per
guess; ``PasswordHasher`` salts each hash and writes its parameters into it, so
hashes made with older parameters can be upgraded at the next sign-in
(``needs_rehash``).
"""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
EXAMPLE_PASSWORD = "change-me-agent-password"  # the value in .env.example; refused in production

_hasher = PasswordHasher()
# Checked against when the user name is unknown or disabled, so that answer takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify(stored_hash: str | None, password: str) -> bool:
    """True when ``password`` matches ``stored_hash``; None (no such account) is checked against a dummy hash."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with other parameters than today's (upgrade it after a good sign-in)."""
    return _hasher.check_needs_rehash(stored_hash)


def weakness(password: str) -> str | None:
    """Why a new password is refused, or None."""
    if len(password) < MIN_LENGTH:
        return f"a password needs at least {MIN_LENGTH} characters"
    if password == EXAMPLE_PASSWORD:
        return "that is the example password from .env.example"
    return None


def generate() -> str:
    """A strong random password (24 URL-safe characters, about 144 bits)."""
    return secrets.token_urlsafe(18)
