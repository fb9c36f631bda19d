"""Agents' replies to a text, sent through Twilio's Messages API with the twilio library.

An SMS conversation is otherwise answered in the webhook's own HTTP response
(TwiML); an agent writes later, so that message goes out as an API call.
Settings (``.env``): ``TWILIO_ACCOUNT_SID``, ``TWILIO_AUTH_TOKEN`` (the same
token that signs the webhook calls), ``SMS_FROM_NUMBER`` (our Twilio number)
and ``TWILIO_API_BASE_URL`` (default ``https://api.twilio.com``; tests point it
at a local stand-in of the API on loopback). The number sent to is never
logged; a failure is logged with its kind only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Mapping, Optional

from channels.sms_text import plain

logger = logging.getLogger(__name__)
DEFAULT_BASE_URL = "https://api.twilio.com"


@dataclass(frozen=True)
class SmsSender:
    account_sid: str
    auth_token: str = field(repr=False)
    from_number: str = field(repr=False)
    base_url: str = DEFAULT_BASE_URL

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Optional["SmsSender"]:
        """None when the account, token or our number is missing: texts then get the phone numbers instead."""
        sid = (environ.get("TWILIO_ACCOUNT_SID") or "").strip()
        token = (environ.get("TWILIO_AUTH_TOKEN") or "").strip()
        number = (environ.get("SMS_FROM_NUMBER") or "").strip()
        if not (sid and token and number):
            return None
        base = (environ.get("TWILIO_API_BASE_URL") or DEFAULT_BASE_URL).strip().rstrip("/")
        return cls(sid, token, number, base)

    def send(self, to: str, text: str) -> bool:
        """Send ``text`` (shaped for SMS: plain, GSM-7) to ``to``; True when the API accepted it. Blocking."""
        from twilio.base.exceptions import TwilioException
        from twilio.rest import Client

        client = Client(self.account_sid, self.auth_token)
        client.api.base_url = self.base_url  # the real API, or a local stand-in
        try:
            client.messages.create(to=to, from_=self.from_number, body=plain(text)[:1600])
            return True
        except (TwilioException, OSError) as error:
            logger.error("handoff: the SMS API refused or failed (%s)", type(error).__name__)
            return False
