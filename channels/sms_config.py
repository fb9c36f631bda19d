"""SMS channel settings, read from the environment (``.env``). Plain Python, no Rasa.

- ``SMS_PUBLIC_URL``: the webhook URL exactly as Twilio calls it (the server sits
  behind a proxy, so the URL Twilio signs is not the one Sanic sees).
- ``TWILIO_AUTH_TOKEN``: the account's auth token; it signs every webhook call.
- ``SMS_SENDER_KEY``: secret for the keyed hash (HMAC-SHA256) that turns a phone
  number into the conversation id; the number itself is never stored.
- ``SMS_VERIFY_SIGNATURE``: signature check on unless this is explicitly
  ``false`` / ``0`` / ``no`` / ``off`` (local development only).
- ``SMS_ENABLED``: ``false`` switches the webhook off (404), for a deployment
  without SMS; then the two secrets above are not needed.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import List, Mapping

OFF_VALUES = {"false", "0", "no", "off"}
MIN_KEY_LENGTH = 16


@dataclass(frozen=True)
class SmsSettings:
    public_url: str
    auth_token: str
    sender_key: str
    verify_signature: bool
    enabled: bool = True

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "SmsSettings":
        verify = (env.get("SMS_VERIFY_SIGNATURE") or "true").strip().lower() not in OFF_VALUES
        return cls(
            public_url=(env.get("SMS_PUBLIC_URL") or "").strip(),
            auth_token=(env.get("TWILIO_AUTH_TOKEN") or "").strip(),
            sender_key=(env.get("SMS_SENDER_KEY") or "").strip(),
            verify_signature=verify,
            enabled=(env.get("SMS_ENABLED") or "true").strip().lower() not in OFF_VALUES,
        )

    @property
    def can_identify_senders(self) -> bool:
        return len(self.sender_key) >= MIN_KEY_LENGTH

    def problems(self) -> List[str]:
        """What is wrong or unsafe in these settings (empty when all is well)."""
        found: List[str] = []
        if not self.enabled:
            return found
        if not self.verify_signature:
            found.append(
                "SMS_VERIFY_SIGNATURE is off: the SMS webhook accepts texts from ANYONE, unsigned. "
                "Local development only; never in a shared or public deployment."
            )
        else:
            if not self.auth_token:
                found.append("TWILIO_AUTH_TOKEN is not set: every SMS webhook call is refused (403).")
            if not self.public_url:
                found.append("SMS_PUBLIC_URL is not set: every SMS webhook call is refused (403).")
        if not self.can_identify_senders:
            found.append(
                f"SMS_SENDER_KEY is missing or shorter than {MIN_KEY_LENGTH} characters: "
                "the SMS channel answers 503 until it is set (see .env.example)."
            )
        return found


def conversation_id(number: str, key: str) -> str:
    """The conversation id for a phone number: a keyed hash, never the number itself."""
    normalized = re.sub(r"[\s().-]", "", number)
    digest = hmac.new(key.encode("utf-8"), normalized.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"sms-{digest[:40]}"
