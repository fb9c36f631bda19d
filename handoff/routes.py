"""Thin HTTP handlers for the handoff, mounted by the channels that own the URLs.

Web widget (``channels/web.py``, under ``/chat/``):

- ``POST /chat/handoff/status`` ``{"sender", "after"}``: the handoff's state, the
  wait, the words to show and the agent's messages with an id above ``after``;
  the widget polls it every few seconds while a handoff is open;
- ``POST /chat/handoff/leave`` ``{"sender"}``: leave the queue or the chat.

Agent console (``channels/agent.py``, under ``/agent/``, signed in; POSTs need
the CSRF token):

- ``GET /agent/handoff``: the queue page; ``GET /agent/handoffs``: the queue;
- ``GET /agent/handoffs/<id>``: one handoff with its masked transcript;
- ``POST /agent/handoffs/<id>/take``, ``/reply`` ``{"message"}``, ``/end``;
- ``POST /agent/handoffs/<id>/suggest``: what the assistant would answer the
  person's last message (the same conversation step; nothing stored or sent).

The rules are in ``handoff.service``; the tracker side in ``handoff.conversation``.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import os
import threading
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import guard
from channels.http import MAX_MESSAGE, json, secure, static_file
from channels.senders import refusal
from channels.sms_text import part_of
from handoff import conversation
from handoff.core import TAKEN, Refused
from handoff.service import Asked, HandoffService, context_from_slots
from handoff.sms_out import SmsSender
from privacy.logs import log_id

logger = logging.getLogger(__name__)
ID_LENGTH = 36

_service: Optional[HandoffService] = None
_sender: Optional[SmsSender] = None
_sender_read = False


def service() -> HandoffService:
    """One service per server process, from the environment (``.env``)."""
    global _service
    if _service is None:
        _service = HandoffService.from_env(dict(os.environ))
    return _service


def sms_sender() -> Optional[SmsSender]:
    global _sender, _sender_read
    if not _sender_read:
        _sender, _sender_read = SmsSender.from_env(dict(os.environ)), True
    return _sender


def _agent(request: Request) -> Any:
    agent = getattr(request.app.ctx, "agent", None)
    return agent if agent is not None and agent.tracker_store is not None else None


async def send_text(handoff_id: str, number: Optional[str], text: str) -> bool:
    """One outbound text for a handoff (never logs the number or the text)."""
    sender = sms_sender()
    if sender is None or not number:
        logger.warning("handoff %s: no SMS API settings or number; the text was not sent", handoff_id[:8])
        return False
    return await asyncio.to_thread(sender.send, number, text)


async def sweep() -> None:
    """End the waits nobody took in time; a texter gets the phone numbers and hours by text."""
    handoffs = service()
    for ended, number in handoffs.sweep():
        if ended.channel == "sms":
            await send_text(ended.id, number, handoffs.ended_text(ended))


def sweep_seconds() -> float:
    try:
        value = float(os.environ.get("HANDOFF_SWEEP_SECONDS") or 15)
    except ValueError:
        return 15.0
    return value if value > 0 else 15.0


async def sweep_forever() -> None:
    """Every HANDOFF_SWEEP_SECONDS: a texter waits with no page polling, so the server
    itself ends waits nobody took (every replica may: the end is one atomic update)."""
    while True:
        await asyncio.sleep(sweep_seconds())
        try:
            await sweep()
        except Exception as error:  # the next round tries again
            logger.error("handoff: the sweep failed (%s)", type(error).__name__)


# -- the person's side ---------------------------------------------------------
def asking(messages: List[Dict[str, Any]]) -> bool:
    """Whether the assistant's answer says how to reach a person (the step's ``handoff`` part)."""
    return any(part_of(m) == "handoff" for m in messages)


def with_handoff(messages: List[Dict[str, Any]], asked: Asked, extra: Optional[str] = None) -> List[Dict[str, Any]]:
    """The answer with its handoff part in the words of what happened (queued, or phones and hours)."""
    handoffs = service()
    shown: List[Dict[str, Any]] = []
    for message in messages:
        if part_of(message) != "handoff":
            shown.append(message)
            continue
        text = asked.text if extra is None else f"{asked.text}\n{extra}"
        changed: Dict[str, Any] = {**message, "text": text}
        if asked.handoff is not None:
            language = asked.handoff.language
            changed["custom"] = {
                "type": "handoff",
                "state": asked.handoff.state,
                "leave": handoffs.text("leave_button", language),
            }
        shown.append(changed)
    return shown


async def ask_for(agent: Any, sender: str, channel: str, phone: Optional[str] = None) -> Asked:
    tracker = await agent.tracker_store.retrieve(sender) if agent is not None else None
    context = context_from_slots(tracker.get_slot) if tracker is not None else {}
    asked = service().ask(sender, channel, context.get("language") or "en", context, phone)
    if asked.handoff is not None and agent is not None:  # the transcript says what the person was told
        await conversation.told(agent, sender, asked.handoff.id, asked.text)
    return asked


async def web_turn(
    request: Request,
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    text: Any,
    sender: str,
    collector: Any,
    render: Callable[[List[Dict[str, Any]]], List[Dict[str, Any]]],
) -> HTTPResponse:
    """The widget's turn (``channels.http.answer_message`` plus the handoff): while a
    person has the conversation, the message is stored and the assistant is silent
    (``[]``); when the assistant's answer is how to reach a person, the person is
    put in the queue in staffed hours, else gets the phone numbers and hours."""
    too_long = not isinstance(text, str) or len(text) > MAX_MESSAGE
    text = "" if too_long else guard.prepare(text)
    if not text:
        return json({"error": f"a message is 1 to {MAX_MESSAGE} characters"}, 400)
    open_handoff = service().store.open_for(sender)
    message = UserMessage(text, collector, sender, input_channel="web")
    outcome = await guard.run_turn(on_new_message, message)
    if open_handoff is not None and open_handoff.state == TAKEN:
        if outcome == guard.STORE_DOWN:
            return json({"error": "the conversation store is not available"}, 503)
        return json([])  # stored (the tracker is paused): the agent reads it
    messages = collector.messages
    if outcome == guard.OK and asking(messages):
        messages = with_handoff(messages, await ask_for(_agent(request), sender, "web"))
    return json(*guard.answer_for(outcome, sender, render(messages)))


# -- texts (channels/sms.py) ------------------------------------------------------
LEAVE_WORDS = {"LEAVE"}


async def sms_stop(agent: Any, sender: str) -> None:
    """STOP while a handoff is open: it ends (the number is deleted) and the tracker is
    resumed, so the channel's own STOP pause follows as for any conversation."""
    handoffs = service()
    before = handoffs.store.open_for(sender)
    ended = handoffs.stop(sender)
    if ended is not None and before is not None and before.state == TAKEN:
        await conversation.resume(agent, sender, ended.id, None)


async def sms_while_open(
    agent: Any,
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    sender: str,
    body: str,
    word: str,
    metadata: Dict[str, Any],
    collector: Any,
) -> Optional[List[str]]:
    """A text while the conversation has an open handoff: the SMS texts to answer with,
    or None to answer as usual (waiting in line: the assistant still answers).
    LEAVE leaves the line or the chat; while a person has it, the text is stored
    (masked) and nothing is answered: the agent reads it in the console."""
    handoffs = service()
    found = handoffs.store.open_for(sender)
    if found is None:
        return None
    if word in LEAVE_WORDS:
        ended = handoffs.leave(sender)
        if ended is not None:
            await conversation.resume(agent, sender, ended.id, None, was_paused=found.state == TAKEN)
        return [handoffs.text("left", found.language)]
    if found.state != TAKEN:
        return None
    if body:
        message = UserMessage(guard.prepare(body[:1600]), collector, sender, input_channel="sms", metadata=metadata)
        await guard.run_turn(on_new_message, message)
    return []


async def sms_answer(agent: Any, sender: str, number: str, messages: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The assistant's answer to a text, with the handoff part in the words of what happened."""
    if not asking(messages):
        return messages
    asked = await ask_for(agent, sender, "sms", number if sms_sender() is not None else None)
    hint = service().text("queued_sms", asked.handoff.language) if asked.kind == "queued" and asked.handoff else None
    return with_handoff(messages, asked, hint)


def add_web_routes(bp: Blueprint) -> None:
    def sender_of(request: Request) -> Optional[str]:
        body = request.json if isinstance(request.json, dict) else {}
        sender = body.get("sender")
        return sender if isinstance(sender, str) and not refusal(sender, "web") else None

    @bp.post("/handoff/status")
    async def status(request: Request) -> HTTPResponse:
        sender = sender_of(request)
        if sender is None:
            return json({"error": "bad sender id"}, 400)
        after = (request.json or {}).get("after") or 0
        await sweep()
        return json(service().status(sender, int(after) if isinstance(after, int) else 0))

    @bp.post("/handoff/leave")
    async def leave(request: Request) -> HTTPResponse:
        sender = sender_of(request)
        if sender is None:
            return json({"error": "bad sender id"}, 400)
        handoffs = service()
        before = handoffs.store.open_for(sender)
        ended = handoffs.leave(sender)
        agent = _agent(request)
        if ended is not None and before is not None and agent is not None:
            await conversation.resume(agent, sender, ended.id, None, was_paused=before.state == TAKEN)
        return json(handoffs.status(sender))


# -- the agents' side ------------------------------------------------------------
def _load_step() -> None:
    try:
        importlib.import_module("actions.action_converse")
    except Exception as error:  # the first suggestion will load it, or say why not
        logger.warning("handoff: the step did not load at start (%s)", type(error).__name__)


def add_console_routes(bp: Blueprint, console: Any) -> None:
    """``console``: the agent channel (``current``, ``signed_in_post``, ``store.audit``)."""

    @bp.listener("after_server_start")
    async def start_sweeping(app: Any, _loop: Any) -> None:
        app.add_task(sweep_forever())
        # the suggestions run the conversation step in this server: load it (with its
        # language detector and safety model) now, so the first one does not wait
        threading.Thread(target=_load_step, name="load-step", daemon=True).start()

    def signed_in(request: Request) -> Optional[HTTPResponse]:
        return None if console.current(request) else json({"error": "not signed in"}, 401)

    def known(handoff_id: str):
        return service().store.get(handoff_id) if len(handoff_id) == ID_LENGTH else None

    def acting(request: Request, handoff_id: str) -> Tuple[Any, Any, Any, Optional[HTTPResponse]]:
        """(session, handoff, Rasa agent) of a signed-in agent's POST about a known
        handoff, or the refusal to answer instead."""
        session, refused = console.signed_in_post(request)
        if refused is not None or session is None:
            return None, None, None, refused or json({"error": "not signed in"}, 401)
        found, agent = known(handoff_id), _agent(request)
        if found is None or agent is None:
            return None, None, None, json({"error": "no such handoff"}, 404)
        return session, found, agent, None

    @bp.get("/handoff")
    async def page(request: Request) -> HTTPResponse:
        if not console.current(request):
            return secure(response.redirect("/agent/", status=303))  # the sign-in page
        return static_file("agent", "handoff.html")

    @bp.get("/handoff.js")
    async def script(_: Request) -> HTTPResponse:
        return static_file("agent", "handoff.js")

    @bp.get("/handoffs")
    async def queue(request: Request) -> HTTPResponse:
        refused = signed_in(request)
        if refused is not None:
            return refused
        await sweep()
        return json({"queue": service().queue()})

    @bp.get("/handoffs/<handoff_id:str>")
    async def one(request: Request, handoff_id: str) -> HTTPResponse:
        refused = signed_in(request)
        if refused is not None:
            return refused
        found = known(handoff_id)
        agent = _agent(request)
        if found is None or agent is None:
            return json({"error": "no such handoff"}, 404)
        tracker = await agent.tracker_store.retrieve(found.sender)
        events = list(tracker.events) if tracker is not None else []
        return json(
            {
                "id": found.id,
                "channel": found.channel,
                "language": found.language,
                "state": found.state,
                "agent": found.agent,
                "context": found.context,
                "paused": bool(tracker is not None and tracker.is_paused()),
                "transcript": conversation.transcript(events),
            }
        )

    @bp.post("/handoffs/<handoff_id:str>/take")
    async def take(request: Request, handoff_id: str) -> HTTPResponse:
        session, _, agent, refused = acting(request, handoff_id)
        if refused is not None:
            return refused
        try:
            taken = service().take(handoff_id, session.username)
        except Refused as why:
            return json({"error": str(why)}, 409)
        console.store.audit(session.username, "handoff_taken", f"{taken.channel} {taken.id}")
        await conversation.pause(agent, taken.sender, taken.id)
        if taken.channel == "sms":
            await send_text(taken.id, service().phone(taken.id), service().text("taken", taken.language, taken.team))
        logger.info("handoff %s taken in conversation %s", taken.id[:8], log_id(taken.sender))
        return json({"id": taken.id, "state": taken.state, "agent": taken.agent})

    @bp.post("/handoffs/<handoff_id:str>/reply")
    async def reply(request: Request, handoff_id: str) -> HTTPResponse:
        session, refused = console.signed_in_post(request)
        if refused is not None or session is None:
            return refused or json({"error": "not signed in"}, 401)
        body = request.json if isinstance(request.json, dict) else {}
        raw = body.get("message")
        text = guard.prepare(raw) if isinstance(raw, str) and len(raw) <= MAX_MESSAGE else ""
        agent = _agent(request)
        if not text:
            return json({"error": f"a message is 1 to {MAX_MESSAGE} characters"}, 400)
        if known(handoff_id) is None or agent is None:
            return json({"error": "no such handoff"}, 404)
        try:
            written = service().reply(handoff_id, session.username, text)
        except Refused as why:
            return json({"error": str(why)}, 409)
        handoff = written["handoff"]
        await conversation.agent_said(agent, handoff.sender, handoff.id, text)
        sent = True
        if handoff.channel == "sms":
            sent = await send_text(handoff.id, service().phone(handoff.id), text)
        return json({"id": written["id"], "text": text, "sent": sent})

    @bp.post("/handoffs/<handoff_id:str>/end")
    async def end(request: Request, handoff_id: str) -> HTTPResponse:
        session, _, agent, refused = acting(request, handoff_id)
        if refused is not None:
            return refused
        handoffs = service()
        number = handoffs.phone(handoff_id)  # read before the end deletes it
        try:
            ended = handoffs.end(handoff_id, session.username)
        except Refused as why:
            return json({"error": str(why)}, 409)
        console.store.audit(session.username, "handoff_ended", f"{ended.channel} {ended.id}")
        closing = handoffs.ended_text(ended)
        await conversation.resume(agent, ended.sender, ended.id, closing)
        if ended.channel == "sms":
            await send_text(ended.id, number, closing)
        return json({"id": ended.id, "state": ended.state})

    @bp.post("/handoffs/<handoff_id:str>/suggest")
    async def suggest(request: Request, handoff_id: str) -> HTTPResponse:
        _, found, agent, refused = acting(request, handoff_id)
        if refused is not None:
            return refused
        tracker = await agent.tracker_store.retrieve(found.sender)
        said = conversation.last_person_text(tracker.events) if tracker is not None else None
        if not said:
            return json({"for": None, "replies": []})
        try:
            replies = await asyncio.wait_for(conversation.suggestion(agent, tracker, said), guard.timeout_seconds() * 2)
        except Exception as error:  # a suggestion is a help, never a failure of the chat
            logger.warning("handoff: no suggestion (%s)", type(error).__name__)
            replies = []
        return json({"for": said, "replies": replies})
