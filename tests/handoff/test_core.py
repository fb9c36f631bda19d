"""The queue's rules (handoff/core.py): every transition, allowed or refused."""

from __future__ import annotations

import pytest

from handoff import core
from handoff.core import ENDED, TAKEN, WAITING, Refused


def waiting(now: float = 100.0) -> core.Handoff:
    return core.new("h1", "web-x", "web", "en", "records", now, {"department": "roi"})


def test_new_handoff_waits_with_its_context():
    h = waiting()
    assert (h.state, h.agent, h.asked_at, h.context) == (WAITING, None, 100.0, {"department": "roi"})
    assert h.open


def test_only_web_and_sms_can_ask():
    with pytest.raises(Refused):
        core.new("h", "agent-x", "agent", "en", "records", 0.0)


def test_take_then_end_by_the_same_agent():
    h = core.take(waiting(), "ana", 130.0)
    assert (h.state, h.agent, h.taken_at) == (TAKEN, "ana", 130.0)
    assert h.waited(500.0) == 30.0  # the wait stops when taken
    done = core.end(h, core.AGENT_ENDED, 200.0, agent="ana")
    assert (done.state, done.reason, done.ended_at, done.open) == (ENDED, core.AGENT_ENDED, 200.0, False)


def test_two_agents_cannot_take_the_same_one():
    h = core.take(waiting(), "ana", 130.0)
    with pytest.raises(Refused, match="already taken"):
        core.take(h, "ben", 131.0)


def test_an_ended_handoff_cannot_be_taken_or_ended_again():
    h = core.end(waiting(), core.PERSON_LEFT, 120.0)
    with pytest.raises(Refused):
        core.take(h, "ana", 130.0)
    with pytest.raises(Refused, match="already ended"):
        core.end(h, core.PERSON_LEFT, 130.0)


def test_only_the_agent_who_took_it_ends_it():
    h = core.take(waiting(), "ana", 130.0)
    with pytest.raises(Refused):
        core.end(h, core.AGENT_ENDED, 140.0, agent="ben")
    with pytest.raises(Refused):
        core.end(waiting(), core.AGENT_ENDED, 140.0, agent="ana")  # nobody took it


def test_the_person_can_leave_waiting_or_taken():
    assert core.end(waiting(), core.PERSON_LEFT, 110.0).reason == core.PERSON_LEFT
    taken = core.take(waiting(), "ana", 130.0)
    assert core.end(taken, core.PERSON_LEFT, 140.0).state == ENDED


def test_timeout_and_closing_only_end_a_waiting_handoff():
    taken = core.take(waiting(), "ana", 130.0)
    with pytest.raises(Refused):
        core.end(taken, core.TIMED_OUT, 1000.0)
    with pytest.raises(Refused):
        core.end(taken, core.CLOSED, 1000.0)
    with pytest.raises(Refused, match="unknown reason"):
        core.end(waiting(), "bored", 1000.0)


@pytest.mark.parametrize(
    "now, staffed, expected",
    [
        (100.0, True, None),
        (399.9, True, None),
        (400.0, True, core.TIMED_OUT),  # waited the whole timeout
        (150.0, False, core.CLOSED),  # hours over while waiting
        (500.0, False, core.TIMED_OUT),  # both: the timeout says it
    ],
)
def test_expiry_of_a_waiting_handoff(now, staffed, expected):
    assert core.expiry(waiting(100.0), now, 300.0, staffed) == expected


def test_a_taken_handoff_never_expires():
    taken = core.take(waiting(100.0), "ana", 130.0)
    assert core.expiry(taken, 10_000.0, 300.0, False) is None


@pytest.mark.parametrize(
    "ahead, per_person, timeout, minutes",
    [(0, 4, 300, 4), (1, 4, 300, 5), (0, 0.2, 300, 1), (10, 4, 600, 10), (2, 2.5, 3600, 8)],
)
def test_wait_minutes(ahead, per_person, timeout, minutes):
    assert core.wait_minutes(ahead, per_person, timeout) == minutes


def test_wait_minutes_refuses_nonsense():
    with pytest.raises(ValueError):
        core.wait_minutes(-1, 4, 300)
    with pytest.raises(ValueError):
        core.wait_minutes(0, 0, 300)
