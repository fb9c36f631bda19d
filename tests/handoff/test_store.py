"""The queue in SQL (handoff/store.py), the phone box and the service, on SQLite files.

Two stores on one file stand for two Rasa servers sharing a database: a
conversation is taken once, whoever tries.
"""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest

from handoff import core
from handoff.core import ENDED, TAKEN, WAITING, Refused
from handoff.phone import PhoneBox
from handoff.service import HandoffService, Settings, context_from_slots
from handoff.store import HandoffStore

KEY = "test-only-handoff-phone-key-0123456789abcdef"
THURSDAY_10AM = dt.datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
SATURDAY_10AM = dt.datetime(2026, 12, 5, 10, 0, tzinfo=ZoneInfo("America/Los_Angeles"))


class Clock:
    def __init__(self, start: dt.datetime) -> None:
        self.at = start

    def __call__(self) -> dt.datetime:
        return self.at

    def forward(self, seconds: float) -> None:
        self.at += dt.timedelta(seconds=seconds)


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'agents.db'}"


@pytest.fixture
def clock():
    return Clock(THURSDAY_10AM)


def service(url, clock, **settings) -> HandoffService:
    return HandoffService(HandoffStore(url), Settings(**settings), phones=PhoneBox(KEY), now=clock)


def test_asking_in_hours_queues_with_the_wait_and_context(url, clock):
    s = service(url, clock, timeout_seconds=1800)
    asked = s.ask("web-a", "web", "en", {"department": "roi", "route": "roi_third_party"})
    assert asked.kind == "queued" and asked.minutes == 4
    assert "About 4 min" in asked.text and "keep asking me" in asked.text
    clock.forward(1)
    second = s.ask("web-b", "web", "en", {})
    assert second.minutes == 8  # one person ahead
    assert service(url, clock, timeout_seconds=300).minutes(second.handoff) == 5  # never more than the timeout
    again = s.ask("web-a", "web", "en", {})
    assert again.kind == "waiting" and again.handoff.id == asked.handoff.id  # one open handoff per conversation
    queue = s.queue()
    assert [q["id"] for q in queue] == [asked.handoff.id, second.handoff.id]
    assert queue[0]["context"] == {"department": "roi", "route": "roi_third_party"}


def test_outside_hours_gives_phones_and_hours_and_queues_nothing(url):
    s = service(url, Clock(SATURDAY_10AM))
    asked = s.ask("web-a", "web", "en", {})
    assert asked.kind == "closed" and asked.handoff is None
    assert "503-571-5051" in asked.text and "8 am to 4:30 pm, Monday to Friday" in asked.text
    assert s.queue() == []


def test_staffed_setting_overrides_the_hours(url):
    assert service(url, Clock(SATURDAY_10AM), staffed="open").ask("web-a", "web", "en", {}).kind == "queued"
    assert service(url, Clock(THURSDAY_10AM), staffed="closed").ask("web-b", "web", "en", {}).kind == "closed"


def test_sms_without_a_number_or_key_is_not_queued(url, clock):
    s = HandoffService(HandoffStore(url), Settings(), phones=None, now=clock)
    assert s.ask("sms-a", "sms", "en", {}, phone="+15035550100").kind == "closed"
    assert service(url, clock).ask("sms-a", "sms", "en", {}, phone=None).kind == "closed"


def test_phone_is_kept_encrypted_while_open_and_deleted_at_the_end(url, clock):
    s = service(url, clock)
    h = s.ask("sms-a", "sms", "en", {}, phone="+15035550100").handoff
    sealed = s.store.sealed_phone(h.id)
    assert sealed and "5035550100" not in sealed
    raw = open(url[len("sqlite:///") :], "rb").read()
    assert b"5035550100" not in raw
    assert s.phone(h.id) == "+15035550100"
    assert PhoneBox("another-key-of-enough-length-0123456789").open(sealed) is None
    s.take(h.id, "ana")
    s.end(h.id, "ana")
    assert s.store.sealed_phone(h.id) is None and s.phone(h.id) is None


def test_take_reply_end_and_status(url, clock):
    s = service(url, clock)
    h = s.ask("web-a", "web", "en", {}).handoff
    assert s.status("web-a")["state"] == WAITING
    clock.forward(30)
    s.take(h.id, "ana")
    with pytest.raises(Refused):
        s.reply(h.id, "ben", "hello")  # not ben's
    first = s.reply(h.id, "ana", "Hi, I'm Ana.")["id"]
    s.reply(h.id, "ana", "How can I help?")
    status = s.status("web-a")
    assert status["state"] == TAKEN and "joined the chat" in status["text"]
    assert [m["text"] for m in status["messages"]] == ["Hi, I'm Ana.", "How can I help?"]
    assert [m["text"] for m in s.status("web-a", after=first)["messages"]] == ["How can I help?"]
    assert s.queue()[0]["waited_seconds"] == 30
    with pytest.raises(Refused):
        s.end(h.id, "ben")
    s.end(h.id, "ana")
    status = s.status("web-a")
    assert status["state"] == ENDED and "I'm back" in status["text"]
    assert s.queue() == []


def test_two_servers_take_the_same_conversation_once(url, clock):
    """Two stores on one database (two replicas): many tries at once, one wins."""
    h = service(url, clock).ask("web-a", "web", "en", {}).handoff
    stores = [HandoffStore(url) for _ in range(2)]
    wins, refusals = [], []
    start = threading.Barrier(8)

    def attempt(n):
        start.wait()
        try:
            wins.append(stores[n % 2].take(h.id, f"agent{n}").agent)
        except Refused:
            refusals.append(n)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(wins) == 1 and len(refusals) == 7
    assert stores[1].get(h.id).agent == wins[0]


def test_sweep_ends_waits_nobody_took_and_keeps_taken_ones(url, clock):
    s = service(url, clock, timeout_seconds=120)
    a = s.ask("sms-a", "sms", "en", {}, phone="+15035550100").handoff
    b = s.ask("web-b", "web", "en", {}).handoff
    s.take(b.id, "ana")
    clock.forward(119)
    assert s.sweep() == []
    clock.forward(1)
    ended = s.sweep()
    assert [(h.id, h.reason, number) for h, number in ended] == [(a.id, core.TIMED_OUT, "+15035550100")]
    assert s.store.sealed_phone(a.id) is None
    assert "503-571-5051" in s.status("sms-a")["text"]
    assert s.store.get(b.id).state == TAKEN


def test_sweep_closes_waits_when_the_hours_end(url):
    clock = Clock(dt.datetime(2026, 12, 3, 16, 28, tzinfo=ZoneInfo("America/Los_Angeles")))
    s = service(url, clock)
    h = s.ask("web-a", "web", "en", {}).handoff
    clock.forward(180)  # 4:31 pm
    assert [(x.id, x.reason) for x, _ in s.sweep()] == [(h.id, core.CLOSED)]
    assert "Pacific time" in s.status("web-a")["text"]


def test_leaving_and_stopping(url, clock):
    s = service(url, clock)
    s.ask("web-a", "web", "en", {})
    assert s.leave("web-a").reason == core.PERSON_LEFT
    assert s.leave("web-a") is None
    assert "left the line" in s.status("web-a")["text"]
    assert s.ask("web-a", "web", "en", {}).kind == "queued"  # may ask again later
    h = s.ask("sms-b", "sms", "en", {}, phone="+15035550101").handoff
    assert s.stop("sms-b").reason == core.STOPPED
    assert s.store.sealed_phone(h.id) is None


def test_ended_handoffs_are_purged_after_a_day(url, clock):
    s = service(url, clock)
    h = s.ask("web-a", "web", "en", {}).handoff
    s.take(h.id, "ana")
    s.reply(h.id, "ana", "hello")
    s.end(h.id, "ana")
    clock.forward(23 * 3600)
    s.sweep()
    assert s.store.get(h.id) is not None
    clock.forward(2 * 3600)
    s.sweep()
    assert s.store.get(h.id) is None and s.store.messages(h.id) == []


def test_spanish_words(url, clock):
    asked = service(url, clock).ask("web-a", "web", "es", {})
    assert "Está en la fila" in asked.text and "equipo de expedientes" in asked.text


def test_context_from_slots_keeps_ids_not_text():
    slots = {"department": "roi", "route": "roi_third_party", "region": "portland", "recipient": "lawyer"}
    found = context_from_slots(slots.get)
    assert found["department"] == "roi" and found["answered"] == {"recipient": "lawyer", "region": "portland"}
    assert found["language"] is None


def test_the_phone_box_needs_a_long_key():
    with pytest.raises(ValueError):
        PhoneBox("short")
    assert PhoneBox.from_env({"HANDOFF_PHONE_KEY": "short"}) is None
    assert "key" not in repr(PhoneBox.from_env({"HANDOFF_PHONE_KEY": KEY})).replace("<key>", "")
