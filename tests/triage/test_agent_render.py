"""Wording for call-center agents: content/agent.yml and triage.agent_render."""

from __future__ import annotations

import pytest

from triage.agent_render import AgentRenderer
from triage.content import load_agent_wording, load_content, parse_agent_wording
from triage.engine import REQUESTS, Facts, triage
from triage.render import Renderer, to_dispatch


@pytest.fixture(scope="module")
def content():
    return load_content()


@pytest.fixture(scope="module")
def agent(content):
    return AgentRenderer(content, load_agent_wording())


def test_agent_wording_covers_every_question_and_request(content):
    wording = load_agent_wording()
    assert set(wording.questions) == set(content.messages.questions)
    assert set(wording.requests) == set(REQUESTS)
    assert all(t.get().startswith("Ask the caller") for t in wording.questions.values())


def test_agent_wording_is_checked_when_loaded(content):
    import yaml

    from triage.content import CONTENT_DIR

    raw = yaml.safe_load((CONTENT_DIR / "agent.yml").read_text())
    missing = {**raw, "questions": {k: v for k, v in raw["questions"].items() if k != "region"}}
    with pytest.raises(ValueError, match="questions"):
        parse_agent_wording(missing, content)
    broken = {**raw, "fallback": {"en": "Call {contact.nobody}."}}
    with pytest.raises(ValueError, match="placeholder"):
        parse_agent_wording(broken, content)


def test_questions_say_ask_the_caller_with_the_same_buttons(content, agent):
    question = triage(Facts(request="imaging"), content)
    plain = Renderer(content).question(question)
    worded = agent.question(question)
    assert worded.text == "Ask the caller what kind of images they need."
    assert worded.buttons == plain.buttons


def test_route_leaves_checklist_and_contacts_to_the_card(content, agent):
    route = triage(Facts(request="records", recipient="lawyer"), content)
    replies = agent.route(route)
    text = "\n".join(r.text for r in replies)
    assert "What to include:" not in text and "How to reach them:" not in text
    assert "Steps:" in text and "$16.50" in text
    card = replies[0].card
    assert card["include"] and any(c["value"] == "503-571-5051" for c in card["contacts"])


def test_fallback_for_agents_names_the_roi_phone(agent):
    reply = agent.fallback()
    assert "503-571-5051" in reply.text and "caller" in reply.text and reply.buttons


def test_the_card_goes_out_as_a_custom_payload(content):
    route = triage(Facts(request="imaging", imaging_kind="mri"), content)
    first = Renderer(content).route(route)[0]
    kwargs = to_dispatch(first)
    assert kwargs["json_message"]["type"] == "department_card"
    assert kwargs["json_message"]["department"] == "imaging"
    assert "json_message" not in to_dispatch(Renderer(content).route(route)[1])


def test_fact_value_names_must_be_vocabulary_values(content):
    import yaml

    from triage.content import CONTENT_DIR

    raw = yaml.safe_load((CONTENT_DIR / "agent.yml").read_text())
    raw["fact_values"] = {"recipient": {"astronaut": {"en": "an astronaut"}}}
    with pytest.raises(ValueError, match="astronaut"):
        parse_agent_wording(raw, content)


def test_agent_texts_are_short_and_plain():
    import re

    from triage.content_schema import iter_texts

    for where, text in iter_texts({"agent": load_agent_wording()}):
        assert len(text) <= 320, where
        assert "*" not in text and "<" not in text, where
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            assert len(sentence.split()) <= 45, (where, sentence)
