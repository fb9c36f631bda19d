"""SMS input channel for Rasa, Twilio-compatible: ``POST /webhooks/sms/webhook``.

Registered in ``credentials.yml`` as ``channels.sms.SmsInput``; its settings come
from ``.env`` (see ``channels/sms_config.py``). One request is one incoming text:

1. the ``X-Twilio-Signature`` header is checked with twilio's ``RequestValidator``
   against ``SMS_PUBLIC_URL`` (403 and nothing stored when it does not verify);
2. the sender's number becomes a keyed hash (the conversation id); the number is
   neither stored nor logged;
3. STOP words pause the conversation (kept in the tracker, so it survives
   restarts and is shared by replicas) and nothing more is sent until START;
   HELP answers what the service is and the ROI phone number;
4. a reply of a digit or an option's words becomes the payload of a choice the
   assistant offered in its last answer (read from the tracker store);
5. the assistant's answer is shaped for SMS (``channels/sms_text.py``) and
   returned as TwiML in the HTTP response (no outbound API call is needed);
6. "MORE" (any case; also "more please", "mas", "más") sends the next page of
   the last answer (``Shaped.more``): the channel answers it itself, no Rasa
   turn runs and no slot changes. Which page is next is worked out from the
   tracker store alone: the pages already sent since the user's last message are
   kept there as bot events marked ``{"sms": {"more": n, "message_sid": ...}}``
   (written under the conversation's lock), so replicas and restarts agree, and a
   replayed MORE gets the page it got the first time;
7. a text is handled once: Twilio retries a webhook call that got no answer in
   time, and a signed request can be replayed, so a ``MessageSid`` already in
   the conversation (it is kept in the user event's metadata, in the tracker
   store that replicas share) is answered again from the stored answer, never
   run as a new turn. The same ``MessageSid`` arriving while its first copy is
   still being answered (on this server) waits for that answer.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text
from urllib.parse import parse_qsl

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.shared.core.events import BotUttered, ConversationPaused, ConversationResumed, Restarted, UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from channels import guard
from channels.render import WholeMessages, for_sms
from channels.sms_config import SmsSettings, conversation_id
from channels.sms_text import Choice, choices_from_buttons, match_choice, plain, to_gsm7
from handoff import routes as handoff_routes
from privacy.logs import log_id, turn_of
from triage.content import load_content, load_sms_texts
from triage.render import Renderer

logger = logging.getLogger(__name__)

CHANNEL = "sms"
MAX_BODY = 1600  # the longest text Twilio delivers; anything longer is not a real SMS
# Twilio's own opt-out words, and Spanish ones (which Twilio does not act on by default:
# the assistant goes silent for them all the same)
STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "ALTO", "PARAR", "BAJA", "DETENER"}
START_WORDS = {"START", "UNSTOP"}
RESUME_WHEN_STOPPED = {"YES"}  # Twilio also opts a number back in on YES (only after a STOP)
HELP_WORDS = {"HELP", "INFO", "AYUDA"}
SPANISH_WORDS = {"AYUDA"}  # a keyword that asks for its answer in Spanish
MORE_WORDS = {"more", "mas"}  # "más" folds to "mas"
MORE_FILLER = {"please", "pls", "plz", "send", "me", "por", "favor", "tell", "some", "the", "rest"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class _Params(dict):
    """Form fields; ``getall`` lets twilio's validator sign repeated fields the way Twilio does."""

    def __init__(self, pairs: List[tuple]) -> None:
        super().__init__()
        self._all: Dict[str, List[str]] = {}
        for key, value in pairs:
            self._all.setdefault(key, []).append(value)
            self.setdefault(key, value)

    def getall(self, key: str) -> List[str]:
        return self._all[key]


def twiml(messages: List[str]) -> HTTPResponse:
    """The HTTP reply: ``<Response>`` with one ``<Message>`` per text (XML-escaped by twilio)."""
    reply = MessagingResponse()
    for text in messages:
        reply.message(text)
    return response.text(str(reply), content_type="text/xml; charset=utf-8")


def keyword(body: str) -> str:
    """The body as an SMS keyword ("stop", " Stop! " -> "STOP")."""
    return re.sub(r"[^A-Za-z]", "", body).upper() if len(body) <= 20 else ""


def asks_more(body: str) -> bool:
    """Whether the text asks for the rest of the last answer ("MORE", "more please", "Más")."""
    if len(body) > 40:
        return False
    words = re.findall(r"[a-z]+", to_gsm7(body).lower())
    return any(w in MORE_WORDS for w in words) and all(w in MORE_WORDS | MORE_FILLER for w in words)


def _more_of(event) -> Optional[Dict[str, Any]]:
    """The SMS MORE record of a bot event (None: an ordinary answer)."""
    more = ((event.metadata or {}).get("sms") or {}) if isinstance(event, BotUttered) else {}
    return more if "more" in more else None


def last_answer(tracker) -> tuple:
    """The bot messages of the assistant's last answer (since the user's last
    message) and how many MORE pages were sent since."""
    answer: List[Dict[str, Any]] = []
    sent = 0
    for event in reversed(tracker.events if tracker is not None else []):
        if isinstance(event, (UserUttered, Restarted)):
            break
        if isinstance(event, BotUttered):
            if _more_of(event) is not None:
                sent += 1
            else:
                answer.insert(0, {key: value for key, value in event.message().items() if value is not None})
    return answer, sent


def stored_more(tracker, sid: Optional[str]) -> Optional[str]:
    """The text that answered the MORE text ``sid`` (None: not a MORE already answered)."""
    if tracker is None or not sid:
        return None
    for event in reversed(tracker.events):
        more = _more_of(event)
        if more is not None and more.get("message_sid") == sid:
            return event.text or ""
    return None


def message_sid(params: Dict[str, str]) -> Optional[str]:
    return (params.get("MessageSid") or params.get("SmsSid") or "").strip() or None


def stored_answer(tracker, sid: Optional[str]) -> Optional[List[Dict[str, Any]]]:
    """The bot messages that answered the text ``sid`` (None: that text was never handled)."""
    if tracker is None or not sid:
        return None
    found: Optional[List[Dict[str, Any]]] = None
    for event in tracker.events:
        if isinstance(event, UserUttered):
            if found is not None:
                break
            if ((event.metadata or {}).get("sms") or {}).get("message_sid") == sid:
                found = []
        elif found is not None and isinstance(event, BotUttered) and _more_of(event) is None:
            found.append({key: value for key, value in event.message().items() if value is not None})
    return found


def offered_choices(tracker) -> List[Choice]:
    """The choices (buttons) of the assistant's answer since the user's last message."""
    if tracker is None:
        return []
    found: List[Choice] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            found[:0] = choices_from_buttons((event.data or {}).get("buttons"))
    return found


class SmsOutput(WholeMessages):
    """Collects the whole answer of a turn; it is shaped for SMS once complete."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL


class SmsInput(InputChannel):
    """Twilio-compatible SMS webhook with signature check, TwiML replies and SMS shaping."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "SmsInput":
        # Secrets stay in .env, read here (a missing variable must not stop the server).
        return cls(SmsSettings.from_env(os.environ))

    def __init__(self, settings: SmsSettings) -> None:
        self.settings = settings
        self.in_flight: Dict[str, asyncio.Event] = {}  # MessageSid -> set when its answer is stored
        for problem in settings.problems():
            logger.warning("SMS channel: %s", problem)

    # -- helpers --------------------------------------------------------------
    def signature_ok(self, request: Request, params: _Params) -> bool:
        if not self.settings.verify_signature:
            return True
        signature = request.headers.get("X-Twilio-Signature")
        if not signature or not self.settings.auth_token or not self.settings.public_url:
            return False
        url = self.settings.public_url
        if request.query_string and "?" not in url:
            url = f"{url}?{request.query_string}"
        return RequestValidator(self.settings.auth_token).validate(url, params, signature)

    @staticmethod
    def texts():
        content = load_content()
        return Renderer(content), load_sms_texts()

    def say(self, key: str, language: Optional[str] = None) -> HTTPResponse:
        renderer, texts = self.texts()
        if language and language != renderer.language:
            renderer = Renderer(renderer.content, language)
        return twiml([plain(renderer.fill(getattr(texts, key)))])

    @staticmethod
    async def _set_paused(agent, sender_id: str, paused: bool) -> None:
        """Record STOP or START in the tracker store.

        STOP ends the conversation (``Restarted``) and pauses it; START resumes it
        and restarts once more, so the next text begins a fresh session.
        """
        async with agent.lock_store.lock(sender_id):
            tracker = await agent.tracker_store.get_or_create_tracker(sender_id, append_action_listen=False)
            if paused and not tracker.is_paused():
                events = [Restarted(), ConversationPaused()]
            elif not paused and tracker.is_paused():
                events = [ConversationResumed(), Restarted()]
            else:
                return
            for event in events:
                tracker.update(event)
            await agent.tracker_store.save(tracker)

    # -- the webhook ----------------------------------------------------------
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sms_webhook = Blueprint("sms_webhook", __name__)

        @sms_webhook.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sms_webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.settings.enabled:
                return response.text("Not found: the SMS channel is off (SMS_ENABLED=false).", status=404)
            try:
                raw = (request.body or b"").decode("utf-8")
                params = _Params(parse_qsl(raw, keep_blank_values=True, errors="strict"))
            except (UnicodeDecodeError, ValueError):
                return response.text(
                    "Bad request: the form must be UTF-8 (application/x-www-form-urlencoded).", status=400
                )
            if not self.signature_ok(request, params):
                logger.warning("SMS webhook: refused a request with a missing or wrong signature")
                return response.text("Forbidden: bad or missing X-Twilio-Signature.", status=403)
            number = (params.get("From") or "").strip()
            if not number:
                return response.text("Bad request: missing From.", status=400)
            if not self.settings.can_identify_senders:
                return response.text("SMS channel not configured (SMS_SENDER_KEY).", status=503)
            sender_id = conversation_id(number, self.settings.sender_key)
            turn_of(sender_id)
            body = _CONTROL.sub(" ", params.get("Body") or "").strip()
            agent = getattr(request.app.ctx, "agent", None)
            if agent is None or agent.tracker_store is None:
                return self.say("error")
            try:
                return await self._answer(agent, on_new_message, sender_id, body, params)
            except Exception:  # never a 500 to the carrier: a polite text instead
                logger.exception("SMS webhook: the assistant failed to answer conversation %s", log_id(sender_id))
                return self.say("error")

        return sms_webhook

    async def _answer(self, agent, on_new_message, sender_id: str, body: str, params: _Params) -> HTTPResponse:
        sid = message_sid(params)
        if sid and sid in self.in_flight:  # the same text again while its first copy is answered
            try:
                await asyncio.wait_for(self.in_flight[sid].wait(), guard.timeout_seconds() + 1)
            except asyncio.TimeoutError:
                pass
            return self._replay(await agent.tracker_store.retrieve(sender_id), sid)
        if sid:
            self.in_flight[sid] = asyncio.Event()
        try:
            return await self._answer_once(agent, on_new_message, sender_id, body, params, sid)
        finally:
            if sid:
                self.in_flight.pop(sid).set()

    def _replay(self, tracker, sid: Optional[str]) -> HTTPResponse:
        """A text already handled (or being handled): its MORE page, or its answer."""
        page = stored_more(tracker, sid)
        return twiml([page]) if page is not None else self._again(stored_answer(tracker, sid))

    async def _more(self, agent, sender_id: str, sid: Optional[str]) -> HTTPResponse:
        """The next page of the last answer; recorded in the tracker (no Rasa turn)."""
        async with agent.lock_store.lock(sender_id):
            tracker = await agent.tracker_store.retrieve(sender_id)
            page = stored_more(tracker, sid)  # a replay that raced the first copy on another server
            if page is not None:
                return twiml([page])
            answer, sent = last_answer(tracker)
            pages = for_sms(answer).more if answer else []
            if sent < len(pages):
                page = pages[sent]
            else:
                renderer, texts = self.texts()
                page = plain(renderer.fill(texts.no_more))
            if tracker is not None:
                tracker.update(BotUttered(page, metadata={"sms": {"more": sent + 1, "message_sid": sid}}))
                await agent.tracker_store.save(tracker)
        return twiml([page])

    def _again(self, stored: Optional[List[Dict[str, Any]]]) -> HTTPResponse:
        """A text already handled: the same answer, shaped again; nothing runs, nothing is stored."""
        shaped = for_sms(stored or [])
        return twiml(shaped.messages) if shaped.messages else twiml([plain(guard.unavailable_text())])

    async def _answer_once(
        self, agent, on_new_message, sender_id: str, body: str, params: _Params, sid: Optional[str]
    ) -> HTTPResponse:
        word = keyword(body)
        if word in STOP_WORDS:
            await handoff_routes.sms_stop(agent, sender_id)  # an open handoff ends, its number is deleted
            await self._set_paused(agent, sender_id, True)
            return twiml([])
        if word in START_WORDS:
            await self._set_paused(agent, sender_id, False)
            return self.say("resumed")
        tracker = await agent.tracker_store.retrieve(sender_id)
        if stored_answer(tracker, sid) is not None or stored_more(tracker, sid) is not None:
            logger.info("SMS webhook: a text already handled came again in conversation %s", log_id(sender_id))
            return self._replay(tracker, sid)
        metadata = {"sms": {"message_sid": sid}}
        # a handoff to a person (docs/handoff.md): LEAVE, or a text for the agent (the assistant silent)
        handled = await handoff_routes.sms_while_open(
            agent, on_new_message, sender_id, body, word, metadata, SmsOutput()
        )
        if handled is not None:
            return twiml([plain(text) for text in handled])
        if tracker is not None and tracker.is_paused():
            if word in RESUME_WHEN_STOPPED:
                await self._set_paused(agent, sender_id, False)
                return self.say("resumed")
            return twiml([])  # opted out: nothing reaches the assistant, nothing is sent
        # the conversation's language (triage/language.py), or the keyword's own
        language = tracker.get_slot("language") if tracker is not None else None
        if word in HELP_WORDS:
            return self.say("help", "es" if word in SPANISH_WORDS else language)
        if asks_more(body):
            return await self._more(agent, sender_id, sid)
        if not body:
            return self.say("empty", language)
        if len(body) > MAX_BODY:
            return self.say("too_long", language)

        text = match_choice(body, offered_choices(tracker)) or guard.prepare(body)  # identifiers masked
        collector = SmsOutput()
        outcome = await guard.run_turn(
            on_new_message, UserMessage(text, collector, sender_id, input_channel=CHANNEL, metadata=metadata)
        )
        if outcome != guard.OK:  # too slow, store down or failed: the contacts, within the time limit
            return twiml([plain(guard.unavailable_text())])
        number = (params.get("From") or "").strip()  # only to reach the texter while a handoff is open, encrypted
        shaped = for_sms(await handoff_routes.sms_answer(agent, sender_id, number, collector.messages))
        if not shaped.messages:
            # Every message gets an answer; none means a part failed (e.g. the action server is down).
            logger.warning("SMS webhook: the assistant sent no answer in conversation %s", log_id(sender_id))
            return self.say("error")
        return twiml(shaped.messages)
