"""action_triage: facts from the conversation -> department slot and the answer."""

from __future__ import annotations

from actions.action_triage import ActionTriage
from tests.actions.helpers import entity, run, texts

ACTION = ActionTriage()


def test_third_party_records_sets_roi_and_answers():
    messages, _, slots = run(ACTION, "request_records", [entity("recipient", "lawyer")])
    assert slots["department"] == "roi"
    assert slots["route"] == "roi_third_party"
    assert slots["recipient"] == "lawyer"
    assert "$16.50" in texts(messages) and "nw.roi@kp.org" in texts(messages)


def test_entity_text_is_normalised_before_it_is_stored():
    _, _, slots = run(ACTION, "request_imaging", [entity("imaging_kind", "X-Rays"), entity("region", "Spokane")])
    assert slots["imaging_kind"] == "xray"
    assert slots["region"] == "eastern_washington"
    assert slots["department"] == "imaging"


def test_question_then_answer():
    messages, _, slots = run(ACTION, "request_imaging")
    assert slots["department"] is None
    assert slots["pending_question"] == "imaging_kind"
    assert len(messages) == 1 and len(messages[0]["buttons"]) == 4
    messages, _, slots = run(ACTION, "inform", [entity("imaging_kind", "dental")], slots)
    assert slots["department"] == "roi"
    assert slots["route"] == "roi_dental_eye_images"
    assert slots["pending_question"] is None
    assert "PowerShare" in texts(messages)


def test_same_request_while_question_is_open_adds_the_fact():
    _, _, slots = run(ACTION, "request_records", [entity("region", "washington"), entity("recipient", "lawyer")])
    assert slots["pending_question"] == "region"
    _, _, slots = run(ACTION, "request_records", [entity("region", "Seattle")], slots)
    assert slots["department"] == "roi"
    assert slots["recipient"] == "lawyer"
    assert slots["region"] == "western_washington"


def test_new_request_overwrites_department_and_drops_old_facts():
    _, _, slots = run(ACTION, "request_records", [entity("recipient", "lawyer"), entity("region", "Portland")])
    assert slots["department"] == "roi"
    _, _, slots = run(ACTION, "request_leave_certification", [entity("leave_program", "fmla")], slots)
    assert slots["department"] == "leave_form"
    assert slots["recipient"] is None
    assert slots["region"] == "oregon"  # where the person is carries over
    _, _, slots = run(ACTION, "request_records", [], slots)
    assert slots["department"] is None and slots["pending_question"] == "record_kind"


def test_two_requests_in_one_message_get_two_answers():
    messages, _, slots = run(ACTION, "request_records", [entity("imaging_kind", "MRI"), entity("recipient", "lawyer")])
    body = texts(messages)
    assert slots["department"] == "roi"  # the first request decides the slot
    assert "You also asked about this:" in body
    assert "$16.50" in body and "503-571-8451" in body


def test_second_request_needing_a_question_offers_buttons_for_it():
    messages, _, slots = run(
        ACTION, "request_imaging", [entity("imaging_kind", "mri"), entity("record_kind", "records")]
    )
    assert slots["department"] == "imaging"
    buttons = [b["payload"] for m in messages for b in m.get("buttons", [])]
    assert buttons and all(p.startswith("/request_records{") for p in buttons)


def test_caregiver_leave_request_goes_to_the_phone():
    messages, _, slots = run(ACTION, "request_leave_certification", [entity("requester", "for my mom")])
    assert slots["route"] == "leave_certification_proxy"
    assert "503-571-5051" in texts(messages)


def test_inform_without_an_open_request_falls_back():
    messages, _, slots = run(ACTION, "inform", [entity("region", "Spokane")])
    assert "department" not in slots or slots["department"] is None
    assert "503-571-5051" in texts(messages)


def test_bare_fact_with_no_open_request_names_the_request():
    messages, _, slots = run(ACTION, "inform", [entity("imaging_kind", "dental x-rays")])
    assert slots["department"] == "roi" and slots["route"] == "roi_dental_eye_images"
