"""Rendering: every route renders, with the right facts and no markup, short enough for SMS."""

from __future__ import annotations

import json

import pytest

from tests.triage.test_engine import ROUTES
from triage.content import load_content
from triage.engine import Facts, Question, triage
from triage.render import FOLLOWUP_TOPICS, Renderer

CONTENT = load_content()
R = Renderer(CONTENT)


def route(**facts):
    decision = triage(Facts(**facts), CONTENT)
    assert not isinstance(decision, Question)
    return decision


@pytest.mark.parametrize("facts, route_id, department", ROUTES)
def test_every_route_renders_plain_short_messages(facts, route_id, department):
    replies = R.route(route(**facts))
    texts = [r.text for r in replies]
    assert texts[0].startswith("Where to go:") or department is None
    assert any(t.startswith("Steps:\n1. ") for t in texts)
    for text in texts:
        assert "{" not in text and "}" not in text, text  # every placeholder filled
        assert "*" not in text and "<" not in text and "](" not in text  # no markdown / HTML
        assert len(text) <= 1600  # one SMS-sized message at most (SMS splitting: channel issue)


def test_third_party_answer_has_the_facts():
    texts = "\n".join(r.text for r in R.route(route(request="records", recipient="lawyer")))
    for fact in (
        "Release of Information (ROI)",
        "in ink",
        "$16.50",
        "nw.roi@kp.org",
        "503-571-5051",
        "8 am to 4:30 pm",
        "500 NE Multnomah Street",
        "5 business days",
        "Authorization for Kaiser Permanente to Use/Disclose Protected Health Information",
    ):
        assert fact in texts, fact


def test_imaging_answer_has_the_phone_and_the_tip():
    texts = "\n".join(r.text for r in R.route(route(request="imaging", imaging_kind="mri")))
    assert "503-571-8451" in texts
    assert "not only the written report" in texts
    assert "nw.roi@kp.org" not in texts


def test_leave_answer():
    texts = "\n".join(r.text for r in R.route(route(request="leave_certification", leave_program="fmla")))
    for fact in (
        "Request FMLA Medical Certification",
        "7 days",
        "Letters",
        "FMLA Letter",
        "continuous or intermittent",
        "503-571-5051",
    ):
        assert fact in texts, fact


def test_kp_washington_answer_gives_that_regions_numbers_only():
    texts = "\n".join(
        r.text for r in R.route(route(request="records", recipient="lawyer", region="eastern_washington"))
    )
    assert "509-241-7824" in texts and "855-414-1751" in texts
    assert "503-571-5051" not in texts and "nw.roi@kp.org" not in texts
    assert "$16.50" not in texts  # that fee is KP Northwest's


def test_card_for_rich_channels():
    card = R.route(route(request="imaging", imaging_kind="xray"))[0].card
    assert card["department"] == "imaging"
    assert card["contacts"] == [{"kind": "phone", "label": "Imaging phone", "value": "503-571-8451", "hours": None}]
    assert card["steps"][0] == "Call Imaging at 503-571-8451."


def test_question_buttons_carry_inform_payloads():
    reply = R.question(triage(Facts(request="imaging"), CONTENT))
    assert reply.text == "What kind of images?"
    payloads = [b.payload for b in reply.buttons]
    assert '/inform{"imaging_kind":"dental"}' in payloads
    for payload in payloads:
        assert json.loads(payload[len("/inform") :])


def test_question_for_a_second_request_starts_that_request():
    reply = R.question(triage(Facts(request="records"), CONTENT), intent="request_records")
    assert all(b.payload.startswith("/request_records{") for b in reply.buttons)


@pytest.mark.parametrize("topic", FOLLOWUP_TOPICS)
def test_followups_for_every_route(topic):
    for facts, _, _ in ROUTES:
        text = R.followup(topic, route(**facts)).text
        assert text and "{" not in text


def test_followup_facts():
    third_party = route(request="records", recipient="lawyer")
    assert "$16.50" in R.followup("cost", third_party).text
    assert "5 business days" in R.followup("time", third_party).text
    assert "signed authorization form" in R.followup("include", third_party).text
    assert "8 am to 4:30 pm" in R.followup("hours", third_party).text
    assert "503-571-8451" in R.followup("contact", route(request="imaging", imaging_kind="ct")).text


def test_followup_without_a_topic_asks_what_they_need():
    reply = R.followup("cost", None)
    assert "Tell me what you need" in reply.text and "503-571-5051" in reply.text
    assert [b.payload for b in reply.buttons] == [b.payload for b in R.fallback().buttons]


def test_fallback_names_the_roi_phone_and_offers_topics():
    reply = R.fallback()
    assert "503-571-5051" in reply.text
    assert [b.payload for b in reply.buttons] == [
        "/request_records",
        "/request_imaging",
        "/request_leave_certification",
        "/request_clinician_form",
    ]


def test_handoff():
    assert "503-571-5051" in R.handoff(None).text
    assert "503-571-8451" in R.handoff(route(request="imaging", imaging_kind="mri")).text


def test_unknown_followup_topic_is_an_error():
    with pytest.raises(ValueError):
        R.followup("weather", route(request="work_note"))
