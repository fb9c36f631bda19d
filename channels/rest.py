"""Rasa's REST channel, hardened: ``POST /webhooks/rest/webhook {"sender", "message"}``.

Registered in ``credentials.yml`` as ``channels.rest.RestInput`` in place of
``rest:``; same name (``rest``), same URL, same reply (a JSON list of bot
messages). What it adds, before Rasa sees the message:

- the body is read as JSON whatever its Content-Type says, as Rasa's own REST
  channel does (``curl -d '{...}'`` sends a form Content-Type);
- bad requests get a clear 4xx: not UTF-8 or not JSON (400),
  not a JSON object (400), body over ``MAX_BODY_BYTES`` (413), sender missing, not
  text, longer than ``MAX_SENDER`` characters, an email or a 9+ digit number
  (400), message not text (400). Unknown fields are ignored.
- an empty message or one over ``MAX_MESSAGE`` characters gets a polite reply
  (content/service.yml) and is not stored.
- the text is cleaned and identifiers are masked (``channels.guard.prepare``), so
  the tracker store and any log only ever see the masked text.
- the turn runs with a time limit (``channels.guard.run_turn``): when the action
  server is down or slow the user gets the contacts within the limit; when the
  tracker store is down the reply is 503 with the same text.
- ``input_channel`` is always ``rest`` (a client can't claim to be another channel),
  and ids that belong to another channel (``web-``, ``sms-``, ``agent-``; see
  channels/senders.py) are refused (400): the webhook cannot continue a widget
  visitor's, a texter's or a call's conversation.
- with ``REST_TOKEN`` set (required with ``ENV=production``), every call must
  carry ``Authorization: Bearer <REST_TOKEN>`` (401 otherwise).
- ``metadata`` is reduced to an allow-list (``ALLOWED_METADATA``) before Rasa
  stores it: anything else a client sends (names, numbers, whole objects) is
  dropped, never stored.
- a sender id that looks like an identifier (an email, a phone or other long
  number, a date, a name) is refused (400): ids are stored and must mean nothing.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import re
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import guard
from channels.render import WholeMessages, for_rest
from channels.senders import refusal
from privacy.masking import mask

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 512 * 1024  # a chat message is a few hundred bytes; over this: 413
MAX_MESSAGE = 2000  # characters read; longer gets a polite "too long"
MAX_SENDER = 128
# The only metadata kept (key -> allowed values); the language is for replies in Spanish.
ALLOWED_METADATA: Dict[str, frozenset] = {"language": frozenset({"en", "es"})}


class BadRequest(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def error(status: int, reason: str) -> HTTPResponse:
    return response.json({"error": reason}, status=status)


def read_request(content_type: str, body: bytes) -> Dict[str, Any]:
    """The JSON object of a webhook call, or ``BadRequest`` saying what is wrong."""
    if len(body) > MAX_BODY_BYTES:
        raise BadRequest(413, f"request body over {MAX_BODY_BYTES} bytes")
    # The Content-Type is not checked: Rasa's REST channel reads the body as JSON
    # whatever the header says, and clients written against its docs rely on that.
    try:
        payload = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise BadRequest(400, "body is not UTF-8")
    except (ValueError, RecursionError):
        hint = " (send JSON, not a form)" if "form" in (content_type or "").lower() else ""
        raise BadRequest(400, f'body is not valid JSON: send {{"sender": "...", "message": "..."}}{hint}')
    if not isinstance(payload, dict):
        raise BadRequest(400, 'body must be a JSON object: {"sender": "...", "message": "..."}')
    return payload


def read_sender(payload: Dict[str, Any]) -> str:
    sender = payload.get("sender")
    if isinstance(sender, (int,)) and not isinstance(sender, bool):
        sender = str(sender)
    if not isinstance(sender, str):
        raise BadRequest(400, "sender is required and must be text")
    sender = guard.clean(sender)
    if not sender:
        raise BadRequest(400, "sender must not be empty")
    if len(sender) > MAX_SENDER:
        raise BadRequest(400, f"sender must be at most {MAX_SENDER} characters")
    if looks_like_identifier(sender):
        raise BadRequest(400, "sender must be an opaque id, not a phone number, email, date, name or other identifier")
    refused = refusal(sender, RestInput.name())
    if refused:
        raise BadRequest(400, f"{refused}: the REST webhook cannot continue it")
    return sender


_EMAIL_IN = re.compile(r"[^\s@]+@[^\s@]+\.[A-Za-z]{2,}")
_SEPARATORS = re.compile(r"[\s().+\-]")
# a written date (1987-04-12, 4/12/1987, 04.12.87), not digits inside a random hex id
_DATE_IN = re.compile(
    r"(?<![0-9A-Za-z])(?:(?:19|20)\d\d[-/._]\d\d?[-/._]\d\d?|\d\d?[-/._]\d\d?[-/._](?:19|20)?\d\d)(?![0-9A-Za-z])"
)
_WORD_SPLIT = re.compile(r"[\s._\-+]+")
NAME_LABEL = "[name]"  # privacy.masking's label for a person's name


def looks_like_identifier(sender: str) -> bool:
    """An email, a number of 9+ digits (SSN, phone), a date (of birth, perhaps) or a
    person's name: not an opaque id. UUIDs and other random ids with digits among
    letters are fine."""
    if _EMAIL_IN.search(sender):
        return True
    bare = _SEPARATORS.sub("", sender)
    if bare.isdigit() and len(bare) >= 9:
        return True
    if _DATE_IN.search(sender):
        return True
    # "jane.roe", "JaneRoe-1980": read as words and masked as a message would be
    words = " ".join(w.capitalize() for w in _WORD_SPLIT.split(re.sub(r"(?<=[a-z])(?=[A-Z])", " ", sender)) if w)
    return NAME_LABEL in mask(words)


def read_metadata(payload: Mapping[str, Any]) -> Optional[Dict[str, str]]:
    """The allowed part of the client's metadata (None when nothing is left)."""
    sent = payload.get("metadata")
    if not isinstance(sent, dict):
        return None
    kept = {k: v for k, v in sent.items() if k in ALLOWED_METADATA and v in ALLOWED_METADATA[k]}
    return kept or None


def token_ok(header: Optional[str], token: str) -> bool:
    """``Authorization: Bearer <token>``, compared in constant time."""
    given = (header or "")[len("Bearer ") :] if (header or "").startswith("Bearer ") else ""
    return bool(given) and hmac.compare_digest(given.encode(), token.encode())


def read_message(payload: Dict[str, Any]) -> str:
    message = payload.get("message")
    if message is None:
        return ""
    if not isinstance(message, str):
        raise BadRequest(400, "message must be text")
    return message


def bot_says(sender: str, text: str) -> List[Dict[str, str]]:
    return [{"recipient_id": sender, "text": text}]


class RestInput(RasaRestInput):
    """Rasa's REST channel with input checks, masking and a time limit (see the module docstring)."""

    def __init__(self, environ: Optional[Mapping[str, str]] = None) -> None:
        environ = os.environ if environ is None else environ
        self.token = (environ.get("REST_TOKEN") or "").strip()
        # production without a token: closed (servers/settings_check.py refuses to start anyway)
        self.closed = not self.token and (environ.get("ENV") or "").strip().lower() == "production"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "RestInput":
        return cls()

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def _extract_message(self, req: Request) -> Optional[Text]:
        return guard.prepare(super()._extract_message(req))

    def _extract_input_channel(self, req: Request) -> Text:
        return self.name()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("custom_webhook_RestInput", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if self.closed or (self.token and not token_ok(request.headers.get("authorization"), self.token)):
                return error(401, "the REST webhook needs Authorization: Bearer <REST_TOKEN>")
            try:
                payload = read_request(request.headers.get("content-type", ""), request.body or b"")
                sender = read_sender(payload)
                raw = read_message(payload)
            except BadRequest as bad:
                return error(bad.status, bad.reason)
            text = guard.prepare(raw)
            if not text:
                return response.json(bot_says(sender, guard.service_text("empty")))
            if len(text) > MAX_MESSAGE:
                return response.json(bot_says(sender, guard.service_text("too_long")))
            metadata = read_metadata(payload)
            collector = WholeMessages()
            outcome = await guard.run_turn(
                on_new_message, UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata)
            )
            body, status = guard.answer_for(outcome, sender, for_rest(collector.messages))
            return response.json(body, status=status, headers={"Retry-After": "30"} if status == 503 else None)

        return webhook
