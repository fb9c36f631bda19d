"""What the channels and the console call: ask for a person, see where one is in
the queue, leave, take, reply, end, and the sweep that ends waits nobody took.
No Rasa here: the tracker side is ``handoff.conversation``.

Settings (``.env``):

- ``HANDOFF_TIMEOUT_SECONDS`` (default 300): how long a person waits before
  they get the phone numbers and hours instead;
- ``HANDOFF_MINUTES_PER_PERSON`` (default 4): the wait shown is this many
  minutes for each person in line ahead and this one, at most the timeout;
- ``HANDOFF_STAFFED``: ``hours`` (default: the team's hours in
  ``content/handoff.yml``), ``open`` or ``closed`` (to try it out or test it
  at any time of day; never set in production).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from handoff import core
from handoff.content import HandoffContent, load_handoff
from handoff.core import TAKEN, WAITING, Handoff
from handoff.phone import PhoneBox
from handoff.store import HandoffStore
from triage.content import load_content
from triage.render import Renderer

STAFFED_CHOICES = ("hours", "open", "closed")
# the conversation's slots the agent sees beside the queue (values are vocabulary ids, never typed text)
CONTEXT_SLOTS = ("department", "route", "region", "language")
ANSWERED_SLOTS = (
    "request_type",
    "record_kind",
    "imaging_kind",
    "recipient",
    "requester",
    "leave_program",
    "leave_type",
    "region",
    "jurisdiction",
)


def _number(environ: Mapping[str, str], name: str, default: float) -> float:
    try:
        value = float(environ.get(name) or default)
    except ValueError:
        return default
    return value if value > 0 else default


@dataclass(frozen=True)
class Settings:
    timeout_seconds: float = 300.0
    minutes_per_person: float = 4.0
    staffed: str = "hours"

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> "Settings":
        staffed = (environ.get("HANDOFF_STAFFED") or "hours").strip().lower()
        return cls(
            timeout_seconds=_number(environ, "HANDOFF_TIMEOUT_SECONDS", 300.0),
            minutes_per_person=_number(environ, "HANDOFF_MINUTES_PER_PERSON", 4.0),
            staffed=staffed if staffed in STAFFED_CHOICES else "hours",
        )


@dataclass(frozen=True)
class Asked:
    """The answer to asking for a person: ``kind`` is queued (new), waiting (already
    in line), with_person (already taken) or closed (outside hours, or a text
    that cannot be answered by a person); ``text`` is what to tell them."""

    kind: str
    text: str
    handoff: Optional[Handoff] = None
    minutes: Optional[int] = None


def context_from_slots(get_slot: Callable[[str], Any]) -> Dict[str, Any]:
    """The conversation's state for the queue: department, route, region, language, and the facts already answered."""
    found: Dict[str, Any] = {name: get_slot(name) for name in CONTEXT_SLOTS}
    found["answered"] = {name: get_slot(name) for name in ANSWERED_SLOTS if get_slot(name) not in (None, "", [])}
    return found


class HandoffService:
    def __init__(
        self,
        store: HandoffStore,
        settings: Optional[Settings] = None,
        content: Optional[HandoffContent] = None,
        phones: Optional[PhoneBox] = None,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc),
    ) -> None:
        self.store = store
        self.settings = settings or Settings()
        self.content = content or load_handoff()
        self.phones = phones
        self.now = now
        self.store.clock = lambda: self.now().timestamp()

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> "HandoffService":
        return cls(HandoffStore.from_env(environ), Settings.from_env(environ), phones=PhoneBox.from_env(environ))

    # -- words ---------------------------------------------------------------
    def text(self, key: str, language: str = "en", team: Optional[str] = None, **runtime: Any) -> str:
        render = Renderer(load_content(), language if language in ("en", "es") else "en")
        team_name = self.content.teams[team or self.content.default_team].name.get(render.language)
        return render.fill(getattr(self.content.texts, key), team=team_name, **runtime)

    # -- hours ---------------------------------------------------------------
    def staffed(self, team: str) -> bool:
        if self.settings.staffed != "hours":
            return self.settings.staffed == "open"
        return self.content.teams[team].staffed(self.now())

    def minutes(self, handoff: Handoff) -> int:
        ahead = self.store.ahead_of(handoff)
        return core.wait_minutes(ahead, self.settings.minutes_per_person, self.settings.timeout_seconds)

    # -- the person's side ---------------------------------------------------
    def ask(
        self,
        sender: str,
        channel: str,
        language: str,
        context: Dict[str, Any],
        phone: Optional[str] = None,
    ) -> Asked:
        """Put the conversation in the queue when its team is staffed; else the phone numbers and hours."""
        language = language or "en"
        team = self.content.team_for(context.get("department"))
        if not self.staffed(team) or (channel == "sms" and (phone is None or self.phones is None)):
            return Asked("closed", self.text("closed", language, team))
        sealed = self.phones.seal(phone) if (phone is not None and self.phones is not None) else None
        handoff, new = self.store.create(sender, channel, language, team, context, sealed)
        if handoff.state == TAKEN:
            return Asked("with_person", self.text("already_with_person", handoff.language, team), handoff)
        minutes = self.minutes(handoff)
        key = "queued" if new else "still_waiting"
        return Asked("queued" if new else "waiting", self.text(key, language, team, minutes=minutes), handoff, minutes)

    def leave(self, sender: str) -> Optional[Handoff]:
        """The person leaves the queue or the chat with a person; the ended handoff, or None when none was open."""
        found = self.store.open_for(sender)
        if found is None:
            return None
        try:
            return self.store.end(found.id, core.PERSON_LEFT)
        except core.Refused:
            return None

    def stop(self, sender: str) -> Optional[Handoff]:
        """An SMS STOP: the open handoff ends and its number is deleted."""
        found = self.store.open_for(sender)
        if found is None:
            return None
        try:
            return self.store.end(found.id, core.STOPPED)
        except core.Refused:
            return None

    def status(self, sender: str, after: int = 0) -> Dict[str, Any]:
        """What the widget polls: the state, the wait, new agent messages, the words to show."""
        found = self.store.latest_for(sender)
        if found is None:
            return {"state": "none", "messages": []}
        body: Dict[str, Any] = {
            "id": found.id,
            "state": found.state,
            "reason": found.reason,
            "messages": self.store.messages(found.id, after),
            "leave": self.text("leave_button" if found.state == WAITING else "end_button", found.language),
        }
        if found.state == WAITING:
            body["minutes"] = self.minutes(found)
            body["text"] = self.text("still_waiting", found.language, found.team, minutes=body["minutes"])
        elif found.state == TAKEN:
            body["text"] = self.text("taken", found.language, found.team)
        else:
            body["text"] = self.ended_text(found)
        return body

    def ended_text(self, handoff: Handoff) -> str:
        key = {
            core.AGENT_ENDED: "ended",
            core.PERSON_LEFT: "left",
            core.TIMED_OUT: "timed_out",
            core.CLOSED: "closed",
            core.STOPPED: "left",
        }.get(handoff.reason or "", "ended")
        return self.text(key, handoff.language, handoff.team)

    # -- the agents' side ----------------------------------------------------
    def queue(self) -> List[Dict[str, Any]]:
        """Open handoffs for the console, oldest first, with how long each has waited."""
        now = self.now().timestamp()
        return [
            {
                "id": h.id,
                "channel": h.channel,
                "language": h.language,
                "team": h.team,
                "state": h.state,
                "agent": h.agent,
                "waited_seconds": round(h.waited(now)),
                "context": h.context,
            }
            for h in self.store.open_handoffs()
        ]

    def take(self, handoff_id: str, agent: str) -> Handoff:
        return self.store.take(handoff_id, agent)

    def end(self, handoff_id: str, agent: str) -> Handoff:
        return self.store.end(handoff_id, core.AGENT_ENDED, agent)

    def reply(self, handoff_id: str, agent: str, text: str) -> Dict[str, Any]:
        """Record an agent's (already masked) message; ``Refused`` unless this agent holds the handoff."""
        found = self.store.get(handoff_id)
        if found is None or found.state != TAKEN or found.agent != agent:
            raise core.Refused("only the agent who took it can write")
        message_id = self.store.add_message(handoff_id, "agent", text)
        return {"id": message_id, "handoff": found}

    def phone(self, handoff_id: str) -> Optional[str]:
        """The texter's number, decrypted, for the outbound API call only (never logged or returned to a page)."""
        sealed = self.store.sealed_phone(handoff_id)
        return self.phones.open(sealed) if (sealed and self.phones is not None) else None

    def sweep(self) -> List[Tuple[Handoff, Optional[str]]]:
        """End the waits nobody took in time, or whose team's hours are over: each
        handoff ended, with the texter's number for a text (read before the end
        deletes it, to send the phone numbers and hours), else None."""
        now = self.now().timestamp()
        ended: List[Tuple[Handoff, Optional[str]]] = []
        for handoff in self.store.open_handoffs():
            reason = core.expiry(handoff, now, self.settings.timeout_seconds, self.staffed(handoff.team))
            if reason is None:
                continue
            number = self.phone(handoff.id) if handoff.channel == "sms" else None
            try:
                ended.append((self.store.end(handoff.id, reason), number))
            except core.Refused:  # taken or ended meanwhile (another replica's sweep)
                continue
        self.store.purge()
        return ended
