"""action_explain_scope: fallback that never guesses a department."""

from __future__ import annotations

from actions.action_explain_scope import ActionExplainScope
from actions.action_triage import ActionTriage
from tests.actions.helpers import entity, run, texts


def test_out_of_scope_gets_topics_and_roi_phone_and_no_department():
    messages, events, slots = run(ActionExplainScope(), "out_of_scope")
    assert "503-571-5051" in texts(messages)
    assert [b["payload"] for b in messages[0]["buttons"]][0] == "/request_records"
    assert "department" not in slots


def test_unrecognised_answer_to_an_open_question_still_finishes_the_request():
    slots = run(ActionTriage(), "request_records", [entity("recipient", "lawyer"), entity("region", "washington")])[2]
    assert slots["pending_question"] == "region"
    messages, _, slots = run(ActionExplainScope(), "nlu_fallback", [entity("region", "spokane")], slots)
    assert slots["department"] == "roi"
    assert "509-241-7824" in texts(messages)


def test_fallback_with_an_open_question_but_no_answer_explains_scope():
    slots = run(ActionTriage(), "request_imaging")[2]
    messages, _, after = run(ActionExplainScope(), "out_of_scope", [entity("region", "spokane")], slots)
    assert after["department"] is None
    assert "I can't help with that" in texts(messages)


def test_unsure_message_naming_an_image_kind_is_answered():
    messages, _, slots = run(ActionExplainScope(), "nlu_fallback", [entity("imaging_kind", "dental x-rays")])
    assert slots["department"] == "roi"
    assert "PowerShare" in texts(messages)


def test_confident_out_of_scope_is_never_triaged_even_with_an_entity():
    messages, _, slots = run(ActionExplainScope(), "out_of_scope", [entity("imaging_kind", "mri")])
    assert "department" not in slots
    assert "I can't help with that" in texts(messages)
