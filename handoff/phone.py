"""The texter's phone number while a handoff is open: encrypted, never logged.

An agent's reply to a text goes out through Twilio's Messages API, which needs
the number; the conversation id is only a keyed hash of it. So the number is
kept, encrypted, in the handoff's row from the moment the person asks until the
handoff ends, then deleted (``HandoffStore.end`` clears it in the same update).

The key is ``HANDOFF_PHONE_KEY`` from ``.env`` (``make_env`` fills it with 256
random bits). Fernet (``cryptography``: AES-128-CBC and HMAC-SHA256, with a
timestamp) needs a 32-byte url-safe base64 key, so the setting's text is
turned into one with SHA-256: any long random string works as the setting.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Mapping, Optional

from cryptography.fernet import Fernet, InvalidToken

MIN_KEY_LENGTH = 32


class PhoneBox:
    """Encrypts and decrypts phone numbers with one key."""

    def __init__(self, secret: str) -> None:
        if len(secret) < MIN_KEY_LENGTH:
            raise ValueError(f"HANDOFF_PHONE_KEY needs at least {MIN_KEY_LENGTH} characters")
        key = base64.urlsafe_b64encode(hashlib.sha256(secret.encode("utf-8")).digest())
        self._fernet = Fernet(key)

    def __repr__(self) -> str:  # never the key
        return "PhoneBox(<key>)"

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Optional["PhoneBox"]:
        """None when the key is missing or too short (texts then get the phone numbers instead)."""
        secret = (environ.get("HANDOFF_PHONE_KEY") or "").strip()
        return cls(secret) if len(secret) >= MIN_KEY_LENGTH else None

    def seal(self, number: str) -> str:
        return self._fernet.encrypt(number.encode("utf-8")).decode("ascii")

    def open(self, sealed: str) -> Optional[str]:
        """The number, or None when it was sealed with another key or altered."""
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode("utf-8")
        except (InvalidToken, ValueError):
            return None
