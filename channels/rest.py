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
- ``input_channel`` is always ``rest`` (a client can't claim to be another channel).
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import guard
from channels.render import WholeMessages, for_rest

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 512 * 1024  # a chat message is a few hundred bytes; over this: 413
MAX_MESSAGE = 2000  # characters read; longer gets a polite "too long"
MAX_SENDER = 128


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
        raise BadRequest(400, "sender must be an opaque id, not a phone number, email or other identifier")
    return sender


_EMAIL_IN = re.compile(r"[^\s@]+@[^\s@]+\.[A-Za-z]{2,}")
_SEPARATORS = re.compile(r"[\s().+\-]")


def looks_like_identifier(sender: str) -> bool:
    """An email, or a number of 9+ digits (SSN, phone): not an opaque id. UUIDs and
    other random ids with digits among letters are fine."""
    if _EMAIL_IN.search(sender):
        return True
    bare = _SEPARATORS.sub("", sender)
    return bare.isdigit() and len(bare) >= 9


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
            metadata = payload.get("metadata") if isinstance(payload.get("metadata"), dict) else None
            collector = WholeMessages()
            outcome = await guard.run_turn(
                on_new_message, UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata)
            )
            body, status = guard.answer_for(outcome, sender, for_rest(collector.messages))
            return response.json(body, status=status, headers={"Retry-After": "30"} if status == 503 else None)

        return webhook
