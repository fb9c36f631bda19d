"""action_answer_followup: follow-up questions answered for the route in context."""

from __future__ import annotations

import pytest

from actions.action_answer_followup import ActionAnswerFollowup
from actions.action_triage import ActionTriage
from tests.actions.helpers import entity, run, texts

ACTION = ActionAnswerFollowup()


def context(intent, *entities):
    return run(ActionTriage(), intent, list(entities))[2]


@pytest.mark.parametrize(
    "intent, expected",
    [
        ("ask_contact", "503-571-5051"),
        ("ask_hours", "8 am to 4:30 pm"),
        ("ask_cost", "$16.50"),
        ("ask_time_frame", "5 business days"),
        ("ask_what_to_include", "signed authorization form"),
    ],
)
def test_followups_about_a_third_party_release(intent, expected):
    slots = context("request_records", entity("recipient", "attorney"))
    messages, events, _ = run(ACTION, intent, slots=slots)
    assert expected in texts(messages)
    assert events == []  # a follow-up never changes the decision


def test_followup_uses_the_region_in_context():
    slots = context("request_disability_form", entity("region", "Spokane"))
    assert "509-241-7824" in texts(run(ACTION, "ask_contact", slots=slots)[0])


def test_followup_for_imaging():
    slots = context("request_imaging", entity("imaging_kind", "ultrasound"))
    assert "503-571-8451" in texts(run(ACTION, "ask_contact", slots=slots)[0])
    assert "Ask Imaging" in texts(run(ACTION, "ask_cost", slots=slots)[0])


def test_followup_before_any_request():
    assert "Tell me what you need" in texts(run(ACTION, "ask_cost")[0])


def test_followup_while_a_question_is_open():
    slots = context("request_imaging")
    assert "Tell me what you need" in texts(run(ACTION, "ask_contact", slots=slots)[0])


def test_followup_naming_a_request_with_no_context_answers_that_request():
    messages, _, slots = run(ACTION, "ask_what_to_include", [entity("leave_type", "bonding leave")])
    assert slots["department"] == "leave_form"
    assert slots["route"] == "leave_bonding"
    assert "Proof of birth" in texts(messages)


def test_followup_in_context_is_not_redirected_by_an_entity():
    slots = context("request_records", entity("recipient", "lawyer"))
    messages, events, _ = run(ACTION, "ask_cost", [entity("imaging_kind", "mri")], slots)
    assert events == [] and "$16.50" in texts(messages)
