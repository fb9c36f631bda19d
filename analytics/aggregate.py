"""One conversation's events -> one aggregate row. Pure Python, no Rasa imports.

The input is the tracker's event dicts as Rasa stores them (``{"event": "user",
"text": ..., "metadata": ...}``, ``{"event": "bot", "metadata": {"part": ...}}``,
``{"event": "slot", "name": ..., "value": ...}``, ``{"event": "session_started"}``).
A conversation is one Rasa session: the events from one ``session_started`` to
the next. The row keeps counts and labels only: no sender id, no text. The one
exception is :attr:`Conversation.unrecognised`, the masked words of the messages
that got "can't help", which the job hands to ``analytics.groups`` and never
stores per conversation.

What the bot said is read from the reply part each message carries
(``triage/render.py`` PARTS, kept in the bot event's metadata): ``fallback`` is a
"can't help" answer, ``safety`` an emergency or crisis pointer, ``pointer`` a
neighbour's pointer (appointments, bills...), ``choices`` a clarifying question.

An **unanswered follow-up** is a message sent while the conversation already had
a topic (the ``department`` or ``route`` slot held a value when it arrived: a
route was answered earlier in this conversation) that got a "can't help" answer.
The conversation step (``triage/converse.py``) keeps no field of its own for
this: with a route in context it answers an unclear message with the nearest
route question or the department's contacts, so a ``fallback`` after a topic is
the one signal the events hold. A message counts once however many ``fallback``
parts answer it; slots carried over into a new session do not make a topic.

A handoff to a person (docs/handoff.md) is a bot event marked
``{"handoff": {"event": "queued"}}`` (the person was told they are in line)
followed by a ``pause`` event (an agent took it): one handoff, and its wait is
the time between the two. A wait that ended without an agent is not counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Tuple

Event = Dict[str, Any]

PREFIXES = (("web-", "web"), ("sms-", "sms"), ("agent-", "agent"))
CHANNELS = ("web", "sms", "agent", "rest")
CANT_HELP, SAFETY, POINTER, QUESTION = "fallback", "safety", "pointer", "choices"
DEFAULT_LANGUAGE = "en"


def channel_of(sender: str) -> str:
    """web, sms or agent from the sender id's prefix (channels/senders.py); anything else came through REST."""
    folded = (sender or "").strip().lower()
    for prefix, channel in PREFIXES:
        if folded.startswith(prefix):
            return channel
    return "rest"


def day_of(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(float(timestamp), tz=dt.timezone.utc).date().isoformat()


@dataclass
class Conversation:
    """One conversation's figures. ``start`` (the session's first timestamp) names it within its sender."""

    start: float
    day: str
    channel: str
    language: str = DEFAULT_LANGUAGE
    turns: int = 0
    departments: Tuple[str, ...] = ()
    routes: Tuple[str, ...] = ()
    cant_help: int = 0
    emergency: int = 0
    neighbour: int = 0
    questions: int = 0
    reasked: int = 0
    turns_to_department: Optional[int] = None
    ended_after_question: bool = False
    unanswered_followups: Optional[int] = None  # None only in rows made before it was counted
    handoffs: Optional[int] = None  # None only in rows made before handoff to a person existed
    handoff_wait_seconds: Optional[float] = None  # the mean wait of this conversation's handoffs
    unrecognised: List[str] = field(default_factory=list)  # masked texts; for analytics.groups only, never stored


def sessions(events: Iterable[Event]) -> List[List[Event]]:
    """The events split into Rasa sessions (a ``session_started`` event starts a new one)."""
    out: List[List[Event]] = []
    for event in events:
        if event.get("event") == "session_started" or not out:
            out.append([])
        out[-1].append(event)
    return [session for session in out if any(e.get("event") in ("user", "bot") for e in session)]


def _part(event: Event) -> str:
    metadata = event.get("metadata") or {}
    return str(metadata.get("part") or "text") if isinstance(metadata, dict) else "text"


def _queued(event: Event) -> bool:
    """A bot event telling the person they are in line for a person (handoff/conversation.py)."""
    metadata = event.get("metadata") or {}
    mark = metadata.get("handoff") if isinstance(metadata, dict) else None
    return isinstance(mark, dict) and mark.get("event") == "queued"


def _typed(text: Any) -> bool:
    """True for words a person typed (a button press sends a "/intent" payload)."""
    return isinstance(text, str) and bool(text.strip()) and not text.startswith("/")


def summarise(sender: str, session: List[Event]) -> Conversation:
    """The aggregate of one session of ``sender``'s conversation."""
    stamps = [float(e["timestamp"]) for e in session if isinstance(e.get("timestamp"), (int, float))]
    start = min(stamps) if stamps else 0.0
    row = Conversation(start=start, day=day_of(start), channel=channel_of(sender))
    departments: List[str] = []
    routes: List[str] = []
    language: Optional[str] = None
    last_user_text: Optional[str] = None
    last_spoken = ""  # "user", or the part of the bot's last message
    topic: Dict[str, bool] = {}  # the department and route slots hold a value (set in this conversation)
    followup = False  # the message being answered came with a topic in context, not yet counted
    unanswered_followups = 0
    queued_at: Optional[float] = None
    waits: List[float] = []
    for event in session:
        kind = event.get("event")
        stamp = event.get("timestamp")
        if kind == "bot" and _queued(event) and isinstance(stamp, (int, float)):
            queued_at = float(stamp) if queued_at is None else queued_at
            continue
        if kind == "pause" and queued_at is not None and isinstance(stamp, (int, float)):
            waits.append(max(0.0, float(stamp) - queued_at))
            queued_at = None
            continue
        if kind == "resume":
            queued_at = None
        if kind == "user":
            row.turns += 1
            last_spoken = "user"
            followup = any(topic.values())
            last_user_text = event.get("text") if _typed(event.get("text")) else None
            metadata = event.get("metadata") or {}
            if language is None and isinstance(metadata, dict) and isinstance(metadata.get("language"), str):
                language = metadata["language"]
        elif kind == "bot":
            part = _part(event)
            last_spoken = part
            if part == CANT_HELP:
                row.cant_help += 1
                if followup:
                    unanswered_followups += 1
                    followup = False  # once per message
                if last_user_text:
                    row.unrecognised.append(last_user_text)
                    last_user_text = None  # one reply of several parts counts the message once
            elif part == SAFETY:
                row.emergency += 1
            elif part == POINTER:
                row.neighbour += 1
            elif part == QUESTION:
                row.questions += 1
        elif kind == "slot" and row.turns > 0:  # slots carried over into a new session come before its first turn
            name, value = event.get("name"), event.get("value")
            if name in ("department", "route"):
                topic[name] = isinstance(value, str) and bool(value)
            if name == "department" and isinstance(value, str) and value:
                if value not in departments:
                    departments.append(value)
                if row.turns_to_department is None:
                    row.turns_to_department = row.turns
            elif name == "route" and isinstance(value, str) and value and value not in routes:
                routes.append(value)
            elif name == "question_repeated" and value is True:
                row.reasked += 1
            elif name == "language" and isinstance(value, str) and value:
                language = value
    row.language = language or DEFAULT_LANGUAGE
    row.departments, row.routes = tuple(sorted(departments)), tuple(sorted(routes))
    row.ended_after_question = last_spoken == QUESTION
    row.unanswered_followups = unanswered_followups
    row.handoffs = len(waits)
    row.handoff_wait_seconds = sum(waits) / len(waits) if waits else None
    return row


def conversations(sender: str, events: Iterable[Event]) -> List[Conversation]:
    """Every session of ``sender``'s events as an aggregate, oldest first."""
    return [summarise(sender, session) for session in sessions(events)]
