"""The queue's rules. Plain Python, no Rasa, no database.

A handoff is one conversation's request to talk to a person:

    waiting --take(agent)--> taken --end--> ended
       |                                     ^
       +--leave / timeout / closed / stop----+

- only a ``waiting`` handoff can be taken, and only once (the store makes the
  same check atomic across servers: ``UPDATE ... WHERE state = 'waiting'``);
- a ``waiting`` handoff ends by itself when nobody took it within the timeout,
  or when the team's staffed hours are over (``expiry``);
- ``ended`` is final; ``reason`` says why (``ENDED_BY``).

The conversation context shown to agents (department, route, region, what was
already answered) travels in ``context``; it never holds message text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Dict, Optional

WAITING, TAKEN, ENDED = "waiting", "taken", "ended"
STATES = (WAITING, TAKEN, ENDED)
# why a handoff ended
AGENT_ENDED = "agent_ended"  # the agent ended the chat; the assistant resumes
PERSON_LEFT = "person_left"  # the person left the queue or the chat
TIMED_OUT = "timed_out"  # nobody took it in time
CLOSED = "closed"  # the team's staffed hours ended while waiting
STOPPED = "stopped"  # an SMS STOP
ENDED_BY = (AGENT_ENDED, PERSON_LEFT, TIMED_OUT, CLOSED, STOPPED)
CHANNELS = ("web", "sms")


class Refused(ValueError):
    """A transition the rules do not allow (taking a handoff already taken, ...)."""


@dataclass(frozen=True)
class Handoff:
    id: str
    sender: str  # the conversation id (web-<uuid>, sms-<keyed hash>); never a phone number
    channel: str
    language: str
    team: str
    asked_at: float
    state: str = WAITING
    agent: Optional[str] = None
    taken_at: Optional[float] = None
    ended_at: Optional[float] = None
    reason: Optional[str] = None
    context: Dict[str, Any] = field(default_factory=dict)

    @property
    def open(self) -> bool:
        return self.state != ENDED

    def waited(self, now: float) -> float:
        """Seconds in the queue (until taken or ended)."""
        until = self.taken_at or self.ended_at or now
        return max(0.0, until - self.asked_at)


def new(
    id: str, sender: str, channel: str, language: str, team: str, now: float, context: Optional[Dict[str, Any]] = None
) -> Handoff:
    if channel not in CHANNELS:
        raise Refused(f"handoff is for the channels {', '.join(CHANNELS)}, not {channel!r}")
    return Handoff(id, sender, channel, language, team, asked_at=now, context=dict(context or {}))


def take(handoff: Handoff, agent: str, now: float) -> Handoff:
    if handoff.state != WAITING:
        raise Refused("already taken" if handoff.state == TAKEN else "this conversation is no longer waiting")
    if not agent:
        raise Refused("an agent takes a handoff")
    return replace(handoff, state=TAKEN, agent=agent, taken_at=now)


def end(handoff: Handoff, reason: str, now: float, agent: Optional[str] = None) -> Handoff:
    """End an open handoff. An agent may end only the one they took."""
    if reason not in ENDED_BY:
        raise Refused(f"unknown reason {reason!r}")
    if handoff.state == ENDED:
        raise Refused("already ended")
    if reason == AGENT_ENDED and (handoff.state != TAKEN or handoff.agent != agent):
        raise Refused("only the agent who took it can end it")
    if reason in (TIMED_OUT, CLOSED) and handoff.state != WAITING:
        raise Refused("only a waiting handoff times out or closes")
    return replace(handoff, state=ENDED, ended_at=now, reason=reason)


def expiry(handoff: Handoff, now: float, timeout: float, staffed_now: bool) -> Optional[str]:
    """Why a waiting handoff must end now (TIMED_OUT, CLOSED), or None."""
    if handoff.state != WAITING:
        return None
    if now - handoff.asked_at >= timeout:
        return TIMED_OUT
    if not staffed_now:
        return CLOSED
    return None


def wait_minutes(ahead: int, minutes_per_person: float, timeout: float) -> int:
    """Roughly how long until an agent takes it: the people ahead and this one,
    each ``minutes_per_person``, never more than the timeout, at least 1 minute."""
    if ahead < 0 or minutes_per_person <= 0 or timeout <= 0:
        raise ValueError("ahead >= 0, minutes_per_person > 0 and timeout > 0")
    guess = (ahead + 1) * minutes_per_person
    return max(1, math.ceil(min(guess, timeout / 60)))
