"""action_handoff: who to call to talk to a person."""

from __future__ import annotations

from actions.action_handoff import ActionHandoff
from actions.action_triage import ActionTriage
from tests.actions.helpers import run, texts


def test_handoff_without_context_gives_roi_phone_and_hours():
    body = texts(run(ActionHandoff(), "ask_for_human")[0])
    assert "503-571-5051" in body and "8 am to 4:30 pm" in body and "800-813-2000" in body


def test_handoff_in_context_gives_that_team():
    slots = run(ActionTriage(), "request_work_note", [])[2]
    body = texts(run(ActionHandoff(), "ask_for_human", slots=slots)[0])
    assert "your care team" in body and "503-813-2000" in body
