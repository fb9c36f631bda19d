"""The thin Rasa-facing parts: the answer's handoff part rewritten, the transcript
the agent reads (handoff/routes.py, handoff/conversation.py)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, ConversationPaused, UserUttered

from handoff import conversation, routes
from handoff.phone import PhoneBox
from handoff.service import HandoffService, Settings
from handoff.store import HandoffStore

THURSDAY_10AM = dt.datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
SUNDAY_10AM = dt.datetime(2026, 12, 6, 10, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
ANSWER = [
    {"text": "Hi!", "part": "greeting"},
    {"text": "To talk to a person about records or forms, call ROI.", "part": "handoff"},
]


@pytest.fixture
def at(tmp_path, monkeypatch):
    def use(when):
        store = HandoffStore(f"sqlite:///{tmp_path / 'agents.db'}")
        service = HandoffService(store, Settings(), phones=PhoneBox("x" * 40), now=lambda: when)
        monkeypatch.setattr(routes, "_service", service)
        return service

    return use


def test_asking_is_the_handoff_part():
    assert routes.asking(ANSWER)
    assert not routes.asking([{"text": "Where to go: Imaging", "part": "department_card"}])


def test_in_hours_the_handoff_part_says_the_person_waits(at):
    service = at(THURSDAY_10AM)
    asked = service.ask("web-a", "web", "en", {})
    shown = routes.with_handoff(ANSWER, asked)
    assert shown[0] == ANSWER[0]
    assert shown[1]["part"] == "handoff" and shown[1]["text"].startswith("You're in line")
    assert shown[1]["custom"] == {"type": "handoff", "state": "waiting", "leave": "Leave the line"}


def test_outside_hours_the_handoff_part_gives_phones_and_hours(at):
    service = at(SUNDAY_10AM)
    shown = routes.with_handoff(ANSWER, service.ask("web-a", "web", "en", {}))
    assert "custom" not in shown[1]
    assert "503-571-5051" in shown[1]["text"] and "8 am to 4:30 pm, Monday to Friday" in shown[1]["text"]


def test_sms_hint_goes_under_the_queued_words(at):
    service = at(THURSDAY_10AM)
    asked = service.ask("sms-a", "sms", "en", {}, phone="+15035550100")
    shown = routes.with_handoff(ANSWER, asked, service.text("queued_sms"))
    assert shown[1]["text"].endswith("\nReply LEAVE to stop waiting.")


def test_transcript_for_the_agent():
    buttons = [{"title": "X-rays or scans", "payload": "/request_imaging"}]
    events = [
        UserUttered("/greet"),
        ActionExecuted("action_converse"),
        BotUttered("Hi! What do you need?", data={"buttons": buttons}),
        UserUttered("/request_imaging"),
        BotUttered("Which images?"),
        UserUttered("I want a person, my SSN is [ssn]"),
        BotUttered("You're in line.", metadata={"handoff": {"author": "assistant"}}),
        ConversationPaused(),
        BotUttered("Hello, I can help.", metadata={"handoff": {"id": "h", "author": "agent"}}),
        UserUttered("thanks"),
    ]
    lines = [(line["from"], line["text"]) for line in conversation.transcript(events)]
    assert lines == [
        ("assistant", "Hi! What do you need?"),
        ("person", "X-rays or scans"),  # a button press shown as its title
        ("assistant", "Which images?"),
        ("person", "I want a person, my SSN is [ssn]"),
        ("assistant", "You're in line."),
        ("agent", "Hello, I can help."),
        ("person", "thanks"),
    ]
    assert conversation.last_person_text(events) == "thanks"
    assert conversation.last_person_text(events[:3]) is None
